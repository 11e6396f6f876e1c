# time: O(n^2) space: O(1) family: insertion sort
def r(v):
    for p in range(1, len(v)):
        e = v[p]
        s = p - 1
        while s >= 0 and v[s] > e:
            v[s + 1] = v[s]
            s -= 1
        v[s + 1] = e
    return v
print(r([3, 1, 2]))
