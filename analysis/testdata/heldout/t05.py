# time: O(2^n) space: O(n) family: recursion
def c(k):
    if k == 0:
        return 1
    return c(k - 1) + c(k - 1)
print(c(8))
