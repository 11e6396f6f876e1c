# time: O(n) space: O(1) family: two pointers
def pal(s):
    a, b = 0, len(s) - 1
    while a < b:
        if s[a] != s[b]:
            return False
        a += 1
        b -= 1
    return True
print(pal("racecar"))
