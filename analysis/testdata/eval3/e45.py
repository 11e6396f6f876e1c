# time: O(n log log n) space: O(n) family: sieve of Eratosthenes
def pr(n):
    ip = [True] * (n + 1)
    ip[0] = ip[1] = False
    i = 2
    while i * i <= n:
        if ip[i]:
            for j in range(i * i, n + 1, i):
                ip[j] = False
        i += 1
    return [k for k in range(n + 1) if ip[k]]
print(pr(50))
