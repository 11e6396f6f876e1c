# time: O(n)|O(n+m) space: O(n)|O(n+m) family: hash table
from collections import Counter
def an(a, b):
    return Counter(a) == Counter(b)
print(an("listen", "silent"))
