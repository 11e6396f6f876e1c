# time: O(n) space: O(h)|O(n) family: recursion also: depth-first search
class T:
    def __init__(self, v, a=None, b=None):
        self.v, self.a, self.b = v, a, b

def sm(t):
    if not t:
        return 0
    return t.v + sm(t.a) + sm(t.b)
print(sm(T(1, T(2), T(3, T(4)))))
