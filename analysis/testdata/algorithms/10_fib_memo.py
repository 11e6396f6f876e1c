# time: O(n) space: O(n) family: dynamic programming also: recursion, hash table
from functools import lru_cache

@lru_cache(maxsize=None)
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
