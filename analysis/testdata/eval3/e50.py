# time: O(log n) space: O(log n) family: recursion
def pw(x, n):
    if n == 0:
        return 1
    h = pw(x, n // 2)
    return h * h if n % 2 == 0 else h * h * x
print(pw(2, 30))
