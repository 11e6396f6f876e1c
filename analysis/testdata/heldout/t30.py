# time: O(log n)|O(h) space: O(1) family: -
class T:
    def __init__(self, v, a=None, b=None):
        self.v, self.a, self.b = v, a, b

def fd(t, x):
    while t is not None:
        if x == t.v:
            return True
        t = t.a if x < t.v else t.b
    return False
print(fd(T(5, T(3), T(8)), 8))
