import heapq
from collections import defaultdict


def dijkstra(graph, src):
    dist = {src: 0}
    pq = [(0, src)]
    while pq:
        d, u = heapq.heappop(pq)
        if d > dist.get(u, float("inf")):
            continue
        for v, w in graph[u]:
            nd = d + w
            if nd < dist.get(v, float("inf")):
                dist[v] = nd
                heapq.heappush(pq, (nd, v))
    return dist


g = defaultdict(list)
edges = [(i, (i * 7 + 3) % 50, (i * 13) % 17 + 1) for i in range(200)]
for a, b, w in edges:
    g[a % 50].append((b, w))
    g[b].append((a % 50, w + 2))
d = dijkstra(g, 0)
print(sorted(d.items())[:10])
print(sum(d.values()), len(d))
