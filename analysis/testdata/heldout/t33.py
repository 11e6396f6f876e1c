# time: O(n) space: O(n) family: -
def sw(s):
    return " ".join(reversed(s.split()))
print(sw("one two three"))
