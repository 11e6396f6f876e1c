# time: O(n^2) space: O(1) family: bubble sort
def bs(a):
    n = len(a)
    for i in range(n):
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
    return a
print(bs([4, 3, 1, 2]))
