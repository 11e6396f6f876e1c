# time: O(n^2) space: O(n) family: -
def u(v):
    o = []
    for e in v:
        if e not in o:
            o.append(e)
    return o
print(u([1, 2, 1, 3]))
