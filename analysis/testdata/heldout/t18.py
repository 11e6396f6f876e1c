# time: O(n log n) space: O(1)|O(n) family: two pointers
def tr(p):
    p.sort()
    k = 0
    for i in range(len(p)):
        a, b = i + 1, len(p) - 1
        while a < b:
            s = p[i] + p[a] + p[b]
            if s == 0:
                k += 1
                a += 1
                b -= 1
            elif s < 0:
                a += 1
            else:
                b -= 1
    return k
print(tr([-1, 0, 1, 2, -1, -4]))
