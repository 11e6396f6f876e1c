# time: O(n) space: O(1) family: -
def g(k):
    a, b = 0, 1
    for _ in range(k):
        a, b = b, a + b
    return a
print(g(30))
