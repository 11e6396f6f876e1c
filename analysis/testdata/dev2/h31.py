# time: O(n) space: O(n) family: -
def u(v):
    o = []
    for e in v:
        o.append(e * 2)
    return o
print(u([1, 2, 3]))
