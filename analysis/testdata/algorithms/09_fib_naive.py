# time: O(2^n) space: O(n) family: recursion
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
