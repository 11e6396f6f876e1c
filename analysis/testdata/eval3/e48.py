# time: O(sqrt(n)) space: O(1) family: -
def ip(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True
print(ip(97))
