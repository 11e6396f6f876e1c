# time: O(n) space: O(1) family: two pointers
def q(z, w):
    a, b = 0, len(z) - 1
    while a < b:
        s = z[a] + z[b]
        if s == w:
            return a, b
        elif s < w:
            a += 1
        else:
            b -= 1
    return None
print(q([1, 2, 4, 7], 9))
