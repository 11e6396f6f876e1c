# time: O(n log n) space: O(n)|O(n+m) family: heap
import heapq
def ks(a, k):
    h = []
    for x in a:
        heapq.heappush(h, x)
    return [heapq.heappop(h) for _ in range(k)]
print(ks([5, 1, 4, 2, 3], 2))
