# time: O(V + E) space: O(V)|O(n) family: breadth-first search also: hash table
from collections import deque

def f(g, a, b):
    d = {a: 0}
    q = deque([a])
    while q:
        x = q.popleft()
        if x == b:
            return d[x]
        for y in g.get(x, []):
            if y not in d:
                d[y] = d[x] + 1
                q.append(y)
    return -1
print(f({0: [1, 2], 1: [3], 2: [3], 3: []}, 0, 3))
