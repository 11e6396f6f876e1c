# time: O(1) space: O(1) family: -
class Sk:
    def __init__(self):
        self.d = []
    def pu(self, v):
        self.d.append(v)
    def pk(self):
        return self.d[-1]
s = Sk()
s.pu(4)
print(s.pk())
