# time: O(n) space: O(h)|O(n) family: recursion also: depth-first search
class N:
    def __init__(self, v, l=None, r=None):
        self.v, self.l, self.r = v, l, r
def h(t):
    if t is None:
        return 0
    return 1 + max(h(t.l), h(t.r))
print(h(N(1, N(2), N(3, N(4)))))
