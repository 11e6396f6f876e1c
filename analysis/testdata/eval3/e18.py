# time: O(V+E)|O(n+m) space: O(V)|O(n) family: breadth-first search also: hash table
from collections import deque
def bf(g, s):
    ds = {s: 0}
    q = deque([s])
    while q:
        u = q.popleft()
        for w in g[u]:
            if w not in ds:
                ds[w] = ds[u] + 1
                q.append(w)
    return ds
print(bf({0: [1], 1: [2], 2: []}, 0))
