# time: O(n) space: O(n) family: -
def ng(a):
    r = [-1] * len(a)
    st = []
    for i, x in enumerate(a):
        while st and a[st[-1]] < x:
            r[st.pop()] = x
        st.append(i)
    return r
print(ng([2, 1, 2, 4, 3]))
