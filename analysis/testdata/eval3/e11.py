# time: O(n) space: O(n) family: dynamic programming also: recursion
me = {}
def fb(n):
    if n < 2:
        return n
    if n in me:
        return me[n]
    me[n] = fb(n - 1) + fb(n - 2)
    return me[n]
print(fb(80))
