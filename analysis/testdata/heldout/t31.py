# time: O(n) space: O(1) family: -
class L:
    def __init__(self, v, n=None):
        self.v, self.n = v, n

def rv(h):
    p = None
    while h:
        h.n, p, h = p, h, h.n
    return p
x = rv(L(1, L(2, L(3))))
print(x.v)
