# time: O(n log n) space: O(n) family: quicksort also: recursion
def r(v):
    if len(v) <= 1:
        return v
    e = v[len(v) // 2]
    return r([u for u in v if u < e]) + [u for u in v if u == e] + r([u for u in v if u > e])
print(r([5, 2, 4, 1]))
