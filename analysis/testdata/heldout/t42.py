# time: O(n log n) space: O(log n)|O(n) family: quicksort also: recursion
def qs(p, lo, hi):
    if lo >= hi:
        return
    v = p[hi]
    i = lo
    for j in range(lo, hi):
        if p[j] < v:
            p[i], p[j] = p[j], p[i]
            i += 1
    p[i], p[hi] = p[hi], p[i]
    qs(p, lo, i - 1)
    qs(p, i + 1, hi)
x = [3, 6, 1, 8, 2]
qs(x, 0, len(x) - 1)
print(x)
