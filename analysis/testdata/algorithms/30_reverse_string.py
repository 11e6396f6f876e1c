# time: O(n) space: O(n) family: -
def reverse(s):
    return s[::-1]
