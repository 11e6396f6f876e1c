# time: O(2^n) space: O(n) family: recursion
def g(k):
    if k < 2:
        return k
    return g(k - 1) + g(k - 2)
print(g(10))
