# time: O(n) space: O(n) family: hash table
def q(z, w):
    d = {}
    for k, e in enumerate(z):
        if w - e in d:
            return d[w - e], k
        d[e] = k
    return None
print(q([2, 7, 11, 15], 9))
