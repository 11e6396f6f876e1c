# time: O(n) space: O(n) family: recursion
def sm(a, i=0):
    if i == len(a):
        return 0
    return a[i] + sm(a, i + 1)
print(sm([1, 2, 3, 4]))
