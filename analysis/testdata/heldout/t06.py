# time: O(n) space: O(n) family: dynamic programming also: recursion
from functools import lru_cache

@lru_cache(maxsize=None)
def s(k):
    if k <= 2:
        return 1
    return s(k - 1) + s(k - 2)
print(s(40))
