# time: O(log n) space: O(1) family: -
def dg(n):
    s = 0
    while n > 0:
        s += n % 10
        n //= 10
    return s
print(dg(98765))
