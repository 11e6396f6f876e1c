# time: O(2^n) space: O(n) family: recursion
def fb(n):
    if n < 2:
        return n
    return fb(n - 1) + fb(n - 2)
print(fb(20))
