# time: O(n log n) space: O(n) family: -
def md(a):
    b = sorted(a)
    return b[len(b) // 2]
print(md([5, 1, 4, 2, 3]))
