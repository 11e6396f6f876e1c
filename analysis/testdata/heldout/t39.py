# time: O(n) space: O(n) family: -
from collections import deque

def q(p):
    d = deque(p)
    o = []
    while d:
        o.append(d.popleft())
    return o
print(q([1, 2, 3]))
