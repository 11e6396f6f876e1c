# time: O(log n) space: O(log n) family: Euclid's algorithm also: recursion
def gc(a, b):
    return a if b == 0 else gc(b, a % b)
print(gc(1071, 462))
