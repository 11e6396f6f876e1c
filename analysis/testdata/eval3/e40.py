# time: O(n) space: O(1) family: sliding window
def mw(a, k):
    s = sum(a[:k])
    b = s
    for i in range(k, len(a)):
        s += a[i] - a[i - k]
        b = max(b, s)
    return b
print(mw([1, 4, 2, 10, 2, 3], 3))
