# time: O(n^2) space: O(1) family: bubble sort
def w(p):
    c = True
    while c:
        c = False
        for i in range(len(p) - 1):
            if p[i] > p[i + 1]:
                p[i], p[i + 1] = p[i + 1], p[i]
                c = True
    return p
print(w([5, 3, 1, 4]))
