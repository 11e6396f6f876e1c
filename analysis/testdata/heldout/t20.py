# time: O(log n) space: O(1) family: -
def pw(b, e):
    r = 1
    while e:
        if e & 1:
            r *= b
        b *= b
        e >>= 1
    return r
print(pw(3, 13))
