# time: O(V+E)|O(n+m) space: O(V)|O(n)|O(V+E)|O(n+m) family: - also: breadth-first search, depth-first search
def ts(n, ed):
    ad = [[] for _ in range(n)]
    dg = [0] * n
    for a, b in ed:
        ad[a].append(b)
        dg[b] += 1
    q = [u for u in range(n) if dg[u] == 0]
    o = []
    while q:
        u = q.pop()
        o.append(u)
        for w in ad[u]:
            dg[w] -= 1
            if dg[w] == 0:
                q.append(w)
    return o
print(ts(4, [(0, 1), (1, 2), (0, 3)]))
