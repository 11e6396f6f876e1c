# time: O(n) space: O(1) family: two pointers
def pair_sum(sorted_nums, target):
    left, right = 0, len(sorted_nums) - 1
    while left < right:
        s = sorted_nums[left] + sorted_nums[right]
        if s == target:
            return left, right
        if s < target:
            left += 1
        else:
            right -= 1
    return None
