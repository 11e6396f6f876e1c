# time: O(2^n) space: O(n) family: subsets also: backtracking, recursion
def cs(a, t):
    def go(i, s):
        if i == len(a):
            return 1 if s == t else 0
        return go(i + 1, s + a[i]) + go(i + 1, s)
    return go(0, 0)
print(cs([1, 2, 3, 4, 5], 6))
