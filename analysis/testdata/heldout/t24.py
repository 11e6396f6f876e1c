# time: O(n log n) space: O(n) family: -
def mi(p):
    p = sorted(p, key=lambda t: t[0])
    o = [list(p[0])]
    for a, b in p[1:]:
        if a <= o[-1][1]:
            o[-1][1] = max(o[-1][1], b)
        else:
            o.append([a, b])
    return o
print(mi([(1, 3), (2, 6), (8, 10)]))
