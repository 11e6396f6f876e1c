# time: O(n log n) space: O(n) family: merge sort also: recursion
def ms(a):
    if len(a) <= 1:
        return a
    m = len(a) // 2
    l, r = ms(a[:m]), ms(a[m:])
    o = []
    i = j = 0
    while i < len(l) and j < len(r):
        if l[i] < r[j]:
            o.append(l[i]); i += 1
        else:
            o.append(r[j]); j += 1
    return o + l[i:] + r[j:]
print(ms([5, 2, 9, 1]))
