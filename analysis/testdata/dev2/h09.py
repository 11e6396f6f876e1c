# time: O(n) space: O(n) family: dynamic programming also: recursion, hash table
def g(k, m=None):
    if m is None:
        m = {}
    if k in m:
        return m[k]
    if k < 2:
        return k
    m[k] = g(k - 1, m) + g(k - 2, m)
    return m[k]
print(g(30))
