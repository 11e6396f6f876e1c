# time: O(log n) space: O(1) family: -
def bt(n):
    c = 0
    while n:
        c += n & 1
        n >>= 1
    return c
print(bt(255))
