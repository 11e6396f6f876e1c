# time: O(n) space: O(n) family: dynamic programming also: recursion
from functools import lru_cache
@lru_cache(maxsize=None)
def tr(n):
    if n < 3:
        return 1
    return tr(n - 1) + tr(n - 2) + tr(n - 3)
print(tr(60))
