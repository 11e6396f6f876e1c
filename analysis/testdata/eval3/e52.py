# time: O(n) space: O(n) family: dynamic programming
def cl(n):
    d = [0] * (n + 1)
    d[0] = 1
    for i in range(1, n + 1):
        d[i] = d[i - 1] + (d[i - 2] if i >= 2 else 0)
    return d[n]
print(cl(30))
