# time: O(n^2) space: O(n) family: -
def q(k):
    o = ""
    for i in range(k):
        o = str(i) + o
    return o
print(len(q(100)))
