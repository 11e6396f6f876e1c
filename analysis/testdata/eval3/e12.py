# time: O(n) space: O(n) family: dynamic programming also: recursion
def cl(n, mm=None):
    if mm is None:
        mm = {}
    if n <= 1:
        return 1
    if n not in mm:
        mm[n] = cl(n - 1, mm) + cl(n - 2, mm)
    return mm[n]
print(cl(40))
