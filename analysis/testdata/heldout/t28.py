# time: O(n) space: O(n) family: -
def bal(s):
    m = {")": "(", "]": "[", "}": "{"}
    t = []
    for ch in s:
        if ch in "([{":
            t.append(ch)
        elif not t or t.pop() != m[ch]:
            return False
    return not t
print(bal("([]{})"))
