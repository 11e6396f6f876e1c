# time: O(log n) space: O(log n) family: binary search also: recursion
def search(arr, target, lo, hi):
    if lo > hi:
        return -1
    mid = (lo + hi) // 2
    if arr[mid] == target:
        return mid
    if arr[mid] < target:
        return search(arr, target, mid + 1, hi)
    return search(arr, target, lo, mid - 1)
