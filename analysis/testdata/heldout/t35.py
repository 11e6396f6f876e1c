# time: O(n log n) space: O(n)|O(n+m) family: -
def an(a, b):
    return sorted(a) == sorted(b)
print(an("listen", "silent"))
