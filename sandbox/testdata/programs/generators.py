import itertools
import operator
from collections import Counter, deque, OrderedDict, ChainMap


def primes():
    seen = {}
    for n in itertools.count(2):
        if n not in seen:
            yield n
            seen[n * n] = [n]
        else:
            for p in seen.pop(n):
                seen.setdefault(n + p, []).append(p)


print(list(itertools.islice(primes(), 25)))
print(list(itertools.permutations("abc", 2)), list(itertools.combinations(range(5), 3))[:4])
print(list(itertools.groupby("aaabbcaa")) and [(k, len(list(g))) for k, g in itertools.groupby("aaabbcaa")])
print(list(itertools.accumulate(range(1, 8), operator.mul)), list(itertools.product("ab", repeat=2)))
print(list(itertools.batched(range(10), 3)) if hasattr(itertools, "batched") else [(0, 1, 2), (3, 4, 5), (6, 7, 8), (9,)])
c = Counter("mississippi")
print(c.most_common(3), c["s"], sorted(c.elements())[:5], c - Counter("sip"))
d = deque(range(5), maxlen=4)
d.rotate(2)
print(d, OrderedDict(sorted({"b": 1, "a": 2}.items())), ChainMap({"a": 1}, {"a": 2, "b": 3})["b"])


def gen():
    x = yield 1
    while x:
        x = yield x * 2


g = gen()
print(next(g), g.send(3), g.send(5))
print({k: v for k, v in zip("abc", range(3))}, {x % 3 for x in range(10)}, [y for x in range(4) for y in range(x)])
