from functools import lru_cache, reduce, partial


@lru_cache(maxsize=None)
def ways(n, k):
    if n == 0:
        return 1
    if n < 0 or k == 0:
        return 0
    return ways(n - k, k) + ways(n, k - 1)


def hanoi(n, a, b, c, moves):
    if n:
        hanoi(n - 1, a, c, b, moves)
        moves.append((a, c))
        hanoi(n - 1, b, a, c, moves)
    return moves


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


def perms(s):
    if len(s) <= 1:
        return [s]
    return [c + p for i, c in enumerate(s) for p in perms(s[:i] + s[i + 1:])]


print(ways(100, 100), ways.cache_info().hits > 0)
print(len(hanoi(12, "A", "B", "C", [])), hanoi(3, "A", "B", "C", []))
print(depth(900), perms("abcd")[:6], len(perms("abcdef")))
print(reduce(lambda a, b: a * b, range(1, 20)), partial(pow, 2)(10))
x = []
for _ in range(200):
    x = [x]
print(str(x).count("["))
