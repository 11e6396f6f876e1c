# time: O(n^2) space: O(n) family: -
def u(v):
    o = []
    for e in v:
        o.insert(0, e)
    return o
print(u([1, 2, 3]))
