# time: O(n^2) space: O(1) family: -
def d(p):
    for i in range(len(p)):
        for j in range(i):
            if p[i] == p[j]:
                return p[i]
    return None
print(d([3, 1, 4, 1, 5]))
