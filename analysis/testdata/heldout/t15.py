# time: O((V + E) log V) space: O(V)|O(n) family: Dijkstra's algorithm also: heap, hash table
from heapq import heappush, heappop

def f(g, a):
    best = {}
    h = [(0, a)]
    while h:
        c, x = heappop(h)
        if x in best:
            continue
        best[x] = c
        for y, w in g[x]:
            if y not in best:
                heappush(h, (c + w, y))
    return best
print(f({"p": [("q", 2), ("r", 5)], "q": [("r", 1)], "r": []}, "p"))
