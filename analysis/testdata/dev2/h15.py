# time: O(V + E) space: O(V)|O(n) family: breadth-first search also: hash table
from collections import deque
def t(gr, s):
    seen = {s}
    dq = deque([s])
    out = []
    while dq:
        u = dq.popleft()
        out.append(u)
        for v in gr[u]:
            if v not in seen:
                seen.add(v)
                dq.append(v)
    return out
print(t({1: [2, 3], 2: [4], 3: [4], 4: []}, 1))
