# time: O(n) space: O(1) family: -
def mx(a):
    b = c = a[0]
    for x in a[1:]:
        c = max(x, c + x)
        b = max(b, c)
    return b
print(mx([-2, 1, -3, 4, -1, 2, 1, -5, 4]))
