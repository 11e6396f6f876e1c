# time: O(1) space: O(1) family: -
def md(x, y):
    d = [[0, 1], [1, 0], [0, -1], [-1, 0]]
    c = 0
    for p, q in d:
        if 0 <= x + p < 8 and 0 <= y + q < 8:
            c += 1
    return c
print(md(0, 0))
