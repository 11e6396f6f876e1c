# time: O(n) space: O(n) family: hash table
def u(v):
    s = set()
    o = []
    for e in v:
        if e not in s:
            s.add(e)
            o.append(e)
    return o
print(u([1, 2, 1, 3]))
