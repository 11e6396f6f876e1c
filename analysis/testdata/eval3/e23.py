# time: O(n*n!) space: O(n)|O(n*n!) family: permutations also: backtracking, recursion
def pm(a):
    r = []
    def bk(i):
        if i == len(a):
            r.append(a[:])
            return
        for j in range(i, len(a)):
            a[i], a[j] = a[j], a[i]
            bk(i + 1)
            a[i], a[j] = a[j], a[i]
    bk(0)
    return r
print(len(pm([1, 2, 3, 4])))
