# time: O(n log n) space: O(n) family: merge sort also: recursion
def g(p, q):
    o, i, j = [], 0, 0
    while i < len(p) and j < len(q):
        if q[j] < p[i]:
            o.append(q[j])
            j += 1
        else:
            o.append(p[i])
            i += 1
    return o + p[i:] + q[j:]

def h(p):
    if len(p) <= 1:
        return p
    m = len(p) // 2
    return g(h(p[:m]), h(p[m:]))
print(h([9, 4, 7, 1, 3]))
