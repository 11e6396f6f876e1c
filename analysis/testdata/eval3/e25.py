# time: O(n*2^n) space: O(n)|O(n*2^n) family: subsets also: backtracking, recursion
def sb(a):
    o = []
    def go(i, cu):
        if i == len(a):
            o.append(cu[:])
            return
        go(i + 1, cu)
        cu.append(a[i])
        go(i + 1, cu)
        cu.pop()
    go(0, [])
    return o
print(len(sb([1, 2, 3, 4, 5])))
