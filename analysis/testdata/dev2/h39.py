# time: O(log n) space: O(log n) family: binary search also: recursion
def q(z, w, a, b):
    if a > b:
        return -1
    c = (a + b) // 2
    if z[c] == w:
        return c
    if z[c] < w:
        return q(z, w, c + 1, b)
    return q(z, w, a, c - 1)
v = [1, 3, 5, 7, 9]
print(q(v, 7, 0, len(v) - 1))
