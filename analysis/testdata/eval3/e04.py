# time: O(1) space: O(1) family: -
def tt(s):
    if len(s) < 3:
        return s
    return s[:2] + s[-1]
print(tt("abcdef"))
