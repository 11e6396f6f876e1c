# time: O(n^2) space: O(1) family: -
def q(z, w):
    for a in range(len(z)):
        for b in range(a + 1, len(z)):
            if z[a] + z[b] == w:
                return a, b
    return None
print(q([2, 7, 11, 15], 9))
