# time: O(log n) space: O(1) family: -
def dg(k):
    c = 0
    while k > 0:
        k //= 10
        c += 1
    return c
print(dg(123456))
