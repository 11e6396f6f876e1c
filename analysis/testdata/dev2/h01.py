# time: O(n) space: O(1) family: -
def q(z, w):
    for k in range(len(z)):
        if z[k] == w:
            return k
    return -1
print(q([4, 2, 9], 9))
