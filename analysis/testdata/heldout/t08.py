# time: O(n) space: O(n) family: hash table
def d(p):
    z = set()
    for e in p:
        if e in z:
            return e
        z.add(e)
    return None
print(d([3, 1, 4, 1, 5]))
