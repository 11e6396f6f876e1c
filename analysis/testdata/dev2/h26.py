# time: O(n) space: O(n) family: hash table
def f(s):
    c = {}
    for x in s.split():
        c[x] = c.get(x, 0) + 1
    return c
print(f("a b a c"))
