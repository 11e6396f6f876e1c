# time: O(n * n!)|O(n!) space: O(n)|O(n * n!)|O(n!) family: permutations also: backtracking, recursion
def pm(p):
    if len(p) <= 1:
        return [p[:]]
    o = []
    for i in range(len(p)):
        for r in pm(p[:i] + p[i + 1:]):
            o.append([p[i]] + r)
    return o
print(len(pm([1, 2, 3, 4])))
