# time: O(n) space: O(1) family: -
class K:
    def __init__(self, q):
        self.q = q
    def z(self):
        r = 0
        for e in self.q:
            r += e * e
        return r
print(K([1, 2, 3]).z())
