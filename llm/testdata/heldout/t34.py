# time: O(n) space: O(n) family: hash table
from collections import Counter

def an(a, b):
    return Counter(a) == Counter(b)
print(an("listen", "silent"))
