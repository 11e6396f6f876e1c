# time: O(n log n) space: O(n) family: -
def d(v):
    w = sorted(v)
    for k in range(1, len(w)):
        if w[k] == w[k - 1]:
            return True
    return False
print(d([3, 1, 3]))
