# time: O(n*m) space: O(m) family: dynamic programming
def kn(ws, vs, c):
    d = [0] * (c + 1)
    for i in range(len(ws)):
        for j in range(c, ws[i] - 1, -1):
            d[j] = max(d[j], d[j - ws[i]] + vs[i])
    return d[c]
print(kn([1, 3, 4], [15, 20, 30], 4))
