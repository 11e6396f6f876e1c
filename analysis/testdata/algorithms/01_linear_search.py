# time: O(n) space: O(1) family: -
def linear_search(items, target):
    for i, x in enumerate(items):
        if x == target:
            return i
    return -1
