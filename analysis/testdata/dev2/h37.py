# time: O(n) space: O(1) family: -
z = [int(t) for t in "3 1 4 1 5".split()]
m = z[0]
for e in z:
    if e > m:
        m = e
print(m)
