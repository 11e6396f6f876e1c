# time: O(n) space: O(1) family: -
def mx(p):
    b = c = p[0]
    for e in p[1:]:
        c = max(e, c + e)
        b = max(b, c)
    return b
print(mx([-2, 1, -3, 4, -1, 2, 1, -5, 4]))
