# time: O(n) space: O(n) family: -
class Qu:
    def __init__(self):
        self.i, self.o = [], []
    def pu(self, v):
        self.i.append(v)
    def po(self):
        if not self.o:
            while self.i:
                self.o.append(self.i.pop())
        return self.o.pop()
q = Qu()
for v in range(10):
    q.pu(v)
print([q.po() for _ in range(10)])
