# time: O(n * W)|O(n*m) space: O(W)|O(m) family: dynamic programming
def ks(ws, vs, cap):
    best = [0] * (cap + 1)
    for a in range(len(ws)):
        for c in range(cap, ws[a] - 1, -1):
            best[c] = max(best[c], best[c - ws[a]] + vs[a])
    return best[cap]
print(ks([1, 3, 4], [15, 20, 30], 4))
