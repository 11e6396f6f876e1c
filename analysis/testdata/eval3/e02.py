# time: O(1) space: O(1) family: -
def gd(a, b):
    s = 0
    for i in range(26):
        s += (a * i + b) % 7
    return s
print(gd(5, 9))
