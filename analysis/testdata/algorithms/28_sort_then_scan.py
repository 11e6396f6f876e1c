# time: O(n log n) space: O(n) family: -
def has_duplicates(nums):
    s = sorted(nums)
    for i in range(1, len(s)):
        if s[i] == s[i - 1]:
            return True
    return False
