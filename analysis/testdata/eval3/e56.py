# time: O(n) space: O(h)|O(n)|O(log n) family: depth-first search also: recursion
class Nd:
    def __init__(self, v, l=None, r=None):
        self.v, self.l, self.r = v, l, r
def hg(t):
    if t is None:
        return 0
    return 1 + max(hg(t.l), hg(t.r))
print(hg(Nd(1, Nd(2, Nd(4)), Nd(3))))
