# time: O(n) space: O(1) family: two pointers
def rv(a):
    i, j = 0, len(a) - 1
    while i < j:
        a[i], a[j] = a[j], a[i]
        i += 1
        j -= 1
    return a
print(rv([1, 2, 3, 4]))
