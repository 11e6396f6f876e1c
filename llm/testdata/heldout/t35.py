# time: O(n log n) space: O(n) family: -
def an(a, b):
    return sorted(a) == sorted(b)
print(an("listen", "silent"))
