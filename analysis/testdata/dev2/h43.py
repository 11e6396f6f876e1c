# time: O(n) space: O(n) family: breadth-first search
from collections import deque
class N:
    def __init__(self, v, kids=()):
        self.v, self.kids = v, list(kids)
def lv(root):
    out, dq = [], deque([root])
    while dq:
        x = dq.popleft()
        out.append(x.v)
        dq.extend(x.kids)
    return out
print(lv(N(1, [N(2), N(3, [N(4)])])))
