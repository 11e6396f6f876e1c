# time: O(n^2) space: O(n) family: -
def q(p):
    o = []
    while p:
        o.append(p.pop(0))
    return o
print(q([1, 2, 3]))
