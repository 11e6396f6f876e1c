# time: O(n^2) space: O(1) family: selection sort
def so(p):
    n = len(p)
    for i in range(n - 1, 0, -1):
        b = 0
        for j in range(1, i + 1):
            if p[j] > p[b]:
                b = j
        p[i], p[b] = p[b], p[i]
    return p
print(so([4, 3, 2, 1]))
