# time: O(n^2)|O(n*m) space: O(n^2)|O(n*m) family: dynamic programming
def c(p, q):
    t = [[0] * (len(q) + 1) for _ in range(len(p) + 1)]
    for a in range(1, len(p) + 1):
        for b in range(1, len(q) + 1):
            if p[a - 1] == q[b - 1]:
                t[a][b] = t[a - 1][b - 1] + 1
            else:
                t[a][b] = max(t[a - 1][b], t[a][b - 1])
    return t[-1][-1]
print(c("abcde", "ace"))
