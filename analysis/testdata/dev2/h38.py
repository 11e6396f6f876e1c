# time: O(n^2) space: O(n) family: dynamic programming
def lis(v):
    if not v:
        return 0
    t = [1] * len(v)
    for a in range(len(v)):
        for b in range(a):
            if v[b] < v[a]:
                t[a] = max(t[a], t[b] + 1)
    return max(t)
print(lis([10, 9, 2, 5, 3, 7, 101, 18]))
