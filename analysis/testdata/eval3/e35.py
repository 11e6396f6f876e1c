# time: O(m log n) space: O(1)|O(m) family: binary search
def lo(a, x):
    l, h = 0, len(a)
    while l < h:
        m = (l + h) // 2
        if a[m] < x:
            l = m + 1
        else:
            h = m
    return l
def qs(a, b):
    return [lo(a, x) for x in b]
print(qs([1, 3, 5, 7], [0, 4, 8]))
