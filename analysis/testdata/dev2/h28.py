# time: O(log n) space: O(log n) family: recursion
def pw(b, e):
    if e == 0:
        return 1
    half = pw(b, e // 2)
    if e % 2:
        return half * half * b
    return half * half
print(pw(3, 13))
