# time: O(n) space: O(n) family: sliding window also: hash table
def lw(s):
    ls = {}
    b = 0
    l = 0
    for r, ch in enumerate(s):
        if ch in ls and ls[ch] >= l:
            l = ls[ch] + 1
        ls[ch] = r
        b = max(b, r - l + 1)
    return b
print(lw("abcabcbb"))
