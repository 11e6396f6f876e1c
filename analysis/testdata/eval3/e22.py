# time: O(n^3) space: O(n^2) family: dynamic programming
def fw(w):
    n = len(w)
    d = [r[:] for r in w]
    for k in range(n):
        for i in range(n):
            for j in range(n):
                if d[i][k] + d[k][j] < d[i][j]:
                    d[i][j] = d[i][k] + d[k][j]
    return d
I = float("inf")
print(fw([[0, 3, I], [I, 0, 1], [2, I, 0]]))
