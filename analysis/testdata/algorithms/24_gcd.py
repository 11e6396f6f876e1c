# time: O(log n) space: O(1) family: Euclid's algorithm
def gcd(a, b):
    while b:
        a, b = b, a % b
    return a
