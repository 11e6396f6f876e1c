# time: O(n * 2^n)|O(2^n) space: O(n)|O(n * 2^n)|O(2^n) family: subsets also: backtracking, recursion
def ps(p):
    o = []
    def go(i, c):
        o.append(c[:])
        for j in range(i, len(p)):
            c.append(p[j])
            go(j + 1, c)
            c.pop()
    go(0, [])
    return o
print(len(ps([1, 2, 3])))
