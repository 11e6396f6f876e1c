# time: O(2^n)|O(n*2^n) space: O(n) family: backtracking also: subsets, recursion
def subsets(nums):
    out = []
    def go(i, cur):
        if i == len(nums):
            out.append(list(cur))
            return
        go(i + 1, cur)
        go(i + 1, cur + [nums[i]])
    go(0, [])
    return out
