# time: O(log n) space: O(1) family: binary search
def q(z, w):
    a, b = 0, len(z)
    while a < b:
        c = (a + b) >> 1
        if z[c] < w:
            a = c + 1
        else:
            b = c
    return a
print(q([1, 3, 5, 7], 5))
