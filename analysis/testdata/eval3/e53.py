# time: O(n^2) space: O(n) family: dynamic programming
def li(a):
    d = [1] * len(a)
    for i in range(len(a)):
        for j in range(i):
            if a[j] < a[i]:
                d[i] = max(d[i], d[j] + 1)
    return max(d) if d else 0
print(li([10, 9, 2, 5, 3, 7, 101, 18]))
