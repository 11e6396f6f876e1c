# time: O(n) space: O(1) family: two pointers
def ps(a, t):
    i, j = 0, len(a) - 1
    while i < j:
        s = a[i] + a[j]
        if s == t:
            return i, j
        if s < t:
            i += 1
        else:
            j -= 1
    return None
print(ps([1, 2, 4, 7, 11], 15))
