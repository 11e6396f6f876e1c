# time: O(n) space: O(n) family: -
def st(p):
    o = [0] * len(p)
    s = []
    for i in range(len(p) - 1, -1, -1):
        while s and p[s[-1]] <= p[i]:
            s.pop()
        o[i] = s[-1] - i if s else 0
        s.append(i)
    return o
print(st([73, 74, 75, 71, 69, 72, 76, 73]))
