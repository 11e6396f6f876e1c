# time: O(h)|O(log n) space: O(1) family: binary search
class Nd:
    def __init__(self, v, l=None, r=None):
        self.v, self.l, self.r = v, l, r
def fi(t, x):
    while t is not None:
        if x == t.v:
            return True
        t = t.l if x < t.v else t.r
    return False
print(fi(Nd(5, Nd(3), Nd(8)), 8))
