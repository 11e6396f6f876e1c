# time: O(n) space: O(n) family: -
def pre(v):
    o = [0]
    for e in v:
        o.append(o[-1] + e)
    return o
print(pre([1, 2, 3]))
