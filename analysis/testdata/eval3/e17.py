# time: O(V+E)|O(n+m) space: O(V)|O(n) family: depth-first search also: hash table
def dv(g, s):
    sn = set()
    st = [s]
    while st:
        u = st.pop()
        if u in sn:
            continue
        sn.add(u)
        for w in g[u]:
            if w not in sn:
                st.append(w)
    return len(sn)
g = {0: [1, 2], 1: [2], 2: [0, 3], 3: []}
print(dv(g, 0))
