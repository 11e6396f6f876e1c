# time: O(log n) space: O(1) family: -
def ct(n):
    k, i = 0, 1
    while i < n:
        i *= 2
        k += 1
    return k
print(ct(1000))
