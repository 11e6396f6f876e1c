# time: O(n^2) space: O(n) family: breadth-first search
def bm(m, s):
    n = len(m)
    sn = [False] * n
    sn[s] = True
    q = [s]
    i = 0
    while i < len(q):
        u = q[i]
        i += 1
        for v in range(n):
            if m[u][v] and not sn[v]:
                sn[v] = True
                q.append(v)
    return q
print(bm([[0, 1, 0], [1, 0, 1], [0, 1, 0]], 0))
