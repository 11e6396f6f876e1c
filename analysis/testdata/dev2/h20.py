# time: O(n log log n) space: O(n) family: sieve of Eratosthenes
def s(k):
    f = [True] * (k + 1)
    f[0] = f[1] = False
    a = 2
    while a * a <= k:
        if f[a]:
            for b in range(a * a, k + 1, a):
                f[b] = False
        a += 1
    return [a for a in range(k + 1) if f[a]]
print(s(50))
