# time: O(n log n) space: O(n) family: merge sort also: recursion
def r(v):
    if len(v) < 2:
        return v
    h = len(v) // 2
    x = r(v[:h])
    y = r(v[h:])
    o = []
    i = j = 0
    while i < len(x) and j < len(y):
        if x[i] <= y[j]:
            o.append(x[i]); i += 1
        else:
            o.append(y[j]); j += 1
    o.extend(x[i:])
    o.extend(y[j:])
    return o
print(r([5, 2, 4, 1]))
