# time: O(n*n!) space: O(n)|O(n*n!) family: permutations also: backtracking, recursion
def ar(a):
    o, cu, us = [], [], [False] * len(a)
    def go():
        if len(cu) == len(a):
            o.append(list(cu))
            return
        for i in range(len(a)):
            if not us[i]:
                us[i] = True
                cu.append(a[i])
                go()
                cu.pop()
                us[i] = False
    go()
    return o
print(len(ar("abcd")))
