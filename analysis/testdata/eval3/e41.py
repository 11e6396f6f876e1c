# time: O(log n) space: O(1) family: binary search
def fs(a, x):
    l, h = 0, len(a) - 1
    while l <= h:
        m = (l + h) // 2
        if a[m] == x:
            return m
        if a[m] < x:
            l = m + 1
        else:
            h = m - 1
    return -1
print(fs([1, 3, 5, 7, 9], 7))
