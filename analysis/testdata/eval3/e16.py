# time: O(2^n) space: O(n)|O(2^n) family: recursion
def hn(n, a, b, c, o):
    if n == 0:
        return
    hn(n - 1, a, c, b, o)
    o.append((a, c))
    hn(n - 1, b, a, c, o)
o = []
hn(10, 1, 2, 3, o)
print(len(o))
