# time: O(n^2) space: O(n^2) family: -
def tb(n):
    return [[i * j for j in range(n)] for i in range(n)]
print(tb(4)[3])
