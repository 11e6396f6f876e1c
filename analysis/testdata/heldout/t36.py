# time: O(log n) space: O(log n) family: Euclid's algorithm also: recursion
def g(a, b):
    return a if b == 0 else g(b, a % b)
print(g(1071, 462))
