# time: O(n^2) space: O(1) family: selection sort
def r(v):
    t = len(v)
    for p in range(t):
        g = p
        for s in range(p + 1, t):
            if v[s] < v[g]:
                g = s
        v[p], v[g] = v[g], v[p]
    return v
print(r([3, 1, 2]))
