# time: O(n!)|O(n * n!) space: O(n) family: backtracking also: permutations, recursion
def permutations(items):
    result = []
    def backtrack(path, used):
        if len(path) == len(items):
            result.append(path[:])
            return
        for i in range(len(items)):
            if used[i]:
                continue
            used[i] = True
            path.append(items[i])
            backtrack(path, used)
            path.pop()
            used[i] = False
    backtrack([], [False] * len(items))
    return result
