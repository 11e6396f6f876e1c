import random


def merge_sort(a):
    if len(a) <= 1:
        return a
    m = len(a) // 2
    l, r = merge_sort(a[:m]), merge_sort(a[m:])
    out, i, j = [], 0, 0
    while i < len(l) and j < len(r):
        if l[i] <= r[j]:
            out.append(l[i]); i += 1
        else:
            out.append(r[j]); j += 1
    return out + l[i:] + r[j:]


def quick_sort(a):
    if len(a) < 2:
        return a
    p = a[len(a) // 2]
    return quick_sort([x for x in a if x < p]) + [x for x in a if x == p] + quick_sort([x for x in a if x > p])


rng = random.Random(12345)
data = [rng.randint(-1000, 1000) for _ in range(5000)]
assert merge_sort(data) == sorted(data) == quick_sort(data)
print(merge_sort(data)[:8], quick_sort(data)[-3:])
print(rng.random(), rng.choice("abcdef"), rng.sample(range(100), 5))
words = "the quick brown fox jumps over the lazy dog".split()
rng.shuffle(words)
print(words, sorted(words, key=lambda w: (len(w), w)))
