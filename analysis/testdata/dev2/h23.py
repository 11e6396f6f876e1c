# time: O(n * 2^n)|O(2^n) space: O(n)|O(n * 2^n)|O(2^n) family: subsets also: backtracking, recursion
def p(v):
    res = []
    def go(k, cur):
        if k == len(v):
            res.append(list(cur))
            return
        go(k + 1, cur)
        cur.append(v[k])
        go(k + 1, cur)
        cur.pop()
    go(0, [])
    return res
print(len(p([1, 2, 3])))
