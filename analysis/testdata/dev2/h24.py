# time: O(n log k)|O(n log n) space: O(k)|O(n) family: heap
import heapq
def b(v, k):
    h = []
    for e in v:
        heapq.heappush(h, e)
        if len(h) > k:
            heapq.heappop(h)
    return sorted(h)
print(b([5, 1, 9, 3, 7], 2))
