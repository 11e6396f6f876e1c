# time: O(n^2)|O(n*m) space: O(n^2)|O(n*m) family: dynamic programming
def ed(a, b):
    r, c = len(a), len(b)
    t = [[0] * (c + 1) for _ in range(r + 1)]
    for i in range(r + 1):
        t[i][0] = i
    for j in range(c + 1):
        t[0][j] = j
    for i in range(1, r + 1):
        for j in range(1, c + 1):
            x = 0 if a[i - 1] == b[j - 1] else 1
            t[i][j] = min(t[i - 1][j] + 1, t[i][j - 1] + 1, t[i - 1][j - 1] + x)
    return t[r][c]
print(ed("kitten", "sitting"))
