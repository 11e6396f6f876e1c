# time: O(n) space: O(1) family: two pointers
def m(p):
    i, j = 0, len(p) - 1
    b = 0
    while i < j:
        b = max(b, min(p[i], p[j]) * (j - i))
        if p[i] < p[j]:
            i += 1
        else:
            j -= 1
    return b
print(m([1, 8, 6, 2, 5, 4, 8, 3, 7]))
