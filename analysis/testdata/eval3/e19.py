# time: O(V+E)|O(n+m) space: O(V)|O(n)|O(V+E)|O(n+m) family: depth-first search also: recursion
def cc(n, ed):
    ad = [[] for _ in range(n)]
    for a, b in ed:
        ad[a].append(b)
        ad[b].append(a)
    vs = [False] * n
    k = 0
    def go(u):
        vs[u] = True
        for w in ad[u]:
            if not vs[w]:
                go(w)
    for u in range(n):
        if not vs[u]:
            k += 1
            go(u)
    return k
print(cc(5, [(0, 1), (3, 4)]))
