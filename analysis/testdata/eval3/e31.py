# time: O(n+m) space: O(n)|O(n+m) family: hash table
def it(a, b):
    s = set(a)
    return [x for x in b if x in s]
print(it([1, 2, 3], [2, 3, 4, 5]))
