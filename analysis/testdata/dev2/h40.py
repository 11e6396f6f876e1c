# time: O(n) space: O(n) family: -
def pal(s):
    t = [c.lower() for c in s if c.isalnum()]
    return t == t[::-1]
print(pal("A man, a plan"))
