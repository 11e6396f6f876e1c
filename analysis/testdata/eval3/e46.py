# time: O(n) space: O(n) family: hash table
def ts(a, t):
    sn = {}
    for i, x in enumerate(a):
        if t - x in sn:
            return sn[t - x], i
        sn[x] = i
    return None
print(ts([2, 7, 11, 15], 9))
