# time: O(n*m) space: O(m) family: dynamic programming
def cn(cs, a):
    w = [0] * (a + 1)
    w[0] = 1
    for c in cs:
        for x in range(c, a + 1):
            w[x] += w[x - c]
    return w[a]
print(cn([1, 2, 5], 11))
