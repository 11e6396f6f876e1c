# time: O(n) space: O(n) family: -
def rv(s):
    return s[::-1]
print(rv("abc"))
