# time: O(n log n) space: O(n) family: heap
import heapq

def hs(p):
    h = list(p)
    heapq.heapify(h)
    return [heapq.heappop(h) for _ in range(len(h))]
print(hs([5, 2, 8, 1]))
