# time: O(n^2) space: O(1) family: bubble sort
def r(v):
    t = len(v)
    for p in range(t):
        for s in range(t - 1 - p):
            if v[s] > v[s + 1]:
                v[s], v[s + 1] = v[s + 1], v[s]
    return v
print(r([3, 1, 2]))
