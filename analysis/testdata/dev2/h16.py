# time: O(V + E) space: O(V)|O(n) family: depth-first search also: recursion, hash table
def t(gr, u, seen=None):
    if seen is None:
        seen = set()
    seen.add(u)
    for v in gr[u]:
        if v not in seen:
            t(gr, v, seen)
    return seen
print(t({1: [2, 3], 2: [4], 3: [4], 4: []}, 1))
