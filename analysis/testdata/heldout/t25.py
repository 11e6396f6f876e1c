# time: O(n) space: O(n) family: hash table
from collections import defaultdict

def gr(p):
    d = defaultdict(list)
    for w in p:
        d[len(w)].append(w)
    return dict(d)
print(gr(["a", "bb", "cc", "d"]))
