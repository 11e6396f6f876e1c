# time: O(log n) space: O(1) family: -
def pw(b, e, m):
    r = 1
    while e > 0:
        if e % 2 == 1:
            r = r * b % m
        b = b * b % m
        e //= 2
    return r
print(pw(3, 200, 1000007))
