# time: O(n^3) space: O(n^2) family: -
def m(x, y):
    k = len(x)
    z = [[0] * k for _ in range(k)]
    for a in range(k):
        for b in range(k):
            for c in range(k):
                z[a][b] += x[a][c] * y[c][b]
    return z
print(m([[1, 2], [3, 4]], [[5, 6], [7, 8]]))
