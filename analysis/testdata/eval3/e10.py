# time: O(n log n) space: O(1) family: -
def hs(n):
    t = 0
    for i in range(1, n + 1):
        j = 1
        while j <= i:
            t += 1
            j *= 2
    return t
print(hs(64))
