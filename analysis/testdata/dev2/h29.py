# time: O(sqrt(n)) space: O(1) family: -
def pr(k):
    if k < 2:
        return False
    d = 2
    while d * d <= k:
        if k % d == 0:
            return False
        d += 1
    return True
print(pr(97))
