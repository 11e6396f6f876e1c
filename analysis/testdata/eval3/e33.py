# time: O(n+m) space: O(n+m) family: - also: merge sort, two pointers
def mg(a, b):
    i = j = 0
    o = []
    while i < len(a) and j < len(b):
        if a[i] <= b[j]:
            o.append(a[i])
            i += 1
        else:
            o.append(b[j])
            j += 1
    o.extend(a[i:])
    o.extend(b[j:])
    return o
print(mg([1, 4, 7], [2, 3, 8, 9]))
