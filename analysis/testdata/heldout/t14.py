# time: O(V + E) space: O(V)|O(n) family: depth-first search also: recursion, hash table
def cc(g):
    seen = set()
    def go(x):
        seen.add(x)
        for y in g[x]:
            if y not in seen:
                go(y)
    k = 0
    for x in g:
        if x not in seen:
            k += 1
            go(x)
    return k
print(cc({0: [1], 1: [0], 2: [], 3: [4], 4: [3]}))
