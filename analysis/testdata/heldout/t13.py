# time: O(V + E) space: O(V)|O(n) family: depth-first search also: hash table
def f(g, a):
    v = set()
    st = [a]
    o = []
    while st:
        x = st.pop()
        if x in v:
            continue
        v.add(x)
        o.append(x)
        for y in g[x]:
            if y not in v:
                st.append(y)
    return o
print(f({0: [1, 2], 1: [3], 2: [3], 3: []}, 0))
