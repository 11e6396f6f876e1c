# time: O(n) space: O(n) family: -
def ct(p):
    if not p:
        return []
    m = max(p)
    c = [0] * (m + 1)
    for e in p:
        c[e] += 1
    o = []
    for v, k in enumerate(c):
        o.extend([v] * k)
    return o
print(ct([3, 1, 2, 3, 0]))
