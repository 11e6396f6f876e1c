# time: O((V + E) log V) space: O(V)|O(n) family: Dijkstra's algorithm also: heap, hash table
import heapq
def t(gr, s):
    d = {s: 0}
    pq = [(0, s)]
    while pq:
        c, u = heapq.heappop(pq)
        if c > d.get(u, float("inf")):
            continue
        for v, wt in gr[u]:
            nc = c + wt
            if nc < d.get(v, float("inf")):
                d[v] = nc
                heapq.heappush(pq, (nc, v))
    return d
print(t({"a": [("b", 1)], "b": [("c", 2)], "c": []}, "a"))
