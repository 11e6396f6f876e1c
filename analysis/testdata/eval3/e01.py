# time: O(1) space: O(1) family: -
def fx(a):
    return a[0] + a[-1] if a else 0
print(fx([3, 1, 4]))
