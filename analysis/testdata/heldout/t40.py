# time: O(n^2) space: O(1) family: insertion sort
def so(p):
    for i in range(1, len(p)):
        j = i
        while j > 0 and p[j - 1] > p[j]:
            p[j - 1], p[j] = p[j], p[j - 1]
            j -= 1
    return p
print(so([4, 3, 2, 1]))
