# time: O(n*m) space: O(1) family: -
def pr(a, b):
    c = 0
    for x in a:
        for y in b:
            if x + y == 10:
                c += 1
    return c
print(pr([1, 2, 9], [8, 1, 9, 0]))
