# time: O(n) space: O(n) family: recursion
def f(k):
    if k <= 1:
        return 1
    return k * f(k - 1)
print(f(10))
