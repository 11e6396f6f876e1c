# time: O(n * n!)|O(n!) space: O(n)|O(n * n!)|O(n!) family: permutations also: backtracking, recursion
def p(v):
    res = []
    def go(cur, left):
        if not left:
            res.append(cur[:])
            return
        for k in range(len(left)):
            cur.append(left[k])
            go(cur, left[:k] + left[k + 1:])
            cur.pop()
    go([], v)
    return res
print(len(p([1, 2, 3])))
