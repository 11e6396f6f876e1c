# time: O(n) space: O(1) family: sliding window
def q(z, c):
    s = sum(z[:c])
    best = s
    for k in range(c, len(z)):
        s += z[k] - z[k - c]
        best = max(best, s)
    return best
print(q([1, 4, 2, 9, 3], 2))
