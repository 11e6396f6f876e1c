# time: O(n) space: O(n) family: dynamic programming
def s(k):
    if k < 2:
        return k
    t = [0] * (k + 1)
    t[1] = 1
    for i in range(2, k + 1):
        t[i] = t[i - 1] + t[i - 2]
    return t[k]
print(s(40))
