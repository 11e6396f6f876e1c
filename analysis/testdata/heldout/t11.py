# time: O(n) space: O(n) family: sliding window also: hash table
def w(s, k):
    c = {}
    i = 0
    b = 0
    for j, ch in enumerate(s):
        c[ch] = c.get(ch, 0) + 1
        while len(c) > k:
            c[s[i]] -= 1
            if c[s[i]] == 0:
                del c[s[i]]
            i += 1
        b = max(b, j - i + 1)
    return b
print(w("eceba", 2))
