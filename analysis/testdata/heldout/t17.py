# time: O(n^3) space: O(1) family: -
def tr(p):
    k = 0
    n = len(p)
    for i in range(n):
        for j in range(i + 1, n):
            for l in range(j + 1, n):
                if p[i] + p[j] + p[l] == 0:
                    k += 1
    return k
print(tr([-1, 0, 1, 2, -1, -4]))
