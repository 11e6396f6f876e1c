# time: O(n*m) space: O(n*m) family: dynamic programming
def gp(r, c):
    ca = {}
    def go(i, j):
        if i == r - 1 or j == c - 1:
            return 1
        if (i, j) in ca:
            return ca[(i, j)]
        ca[(i, j)] = go(i + 1, j) + go(i, j + 1)
        return ca[(i, j)]
    return go(0, 0)
print(gp(12, 9))
