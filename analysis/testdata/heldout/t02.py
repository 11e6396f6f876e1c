# time: O(log n) space: O(1) family: binary search
def u(p, y):
    i = 0
    j = len(p) - 1
    while i <= j:
        k = i + (j - i) // 2
        if p[k] == y:
            return True
        elif p[k] > y:
            j = k - 1
        else:
            i = k + 1
    return False
print(u([2, 4, 6, 8, 10], 8))
