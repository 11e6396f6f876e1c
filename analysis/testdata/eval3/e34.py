# time: O(n*m) space: O(1) family: -
def fd(h, nd):
    for i in range(len(h) - len(nd) + 1):
        if h[i:i + len(nd)] == nd:
            return i
    return -1
print(fd("hello world", "wor"))
