from decimal import Decimal, getcontext, ROUND_HALF_EVEN
from fractions import Fraction
import math
import cmath

getcontext().prec = 50
print(Decimal(2).sqrt())
print((Decimal("1.005")).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
print(sum(Fraction(1, n) for n in range(1, 30)))
print(2 ** 300, 3 ** 200 % 1000007, -7 // 2, -7 % 3, divmod(-17, 5))
print(math.factorial(40), math.comb(60, 30), math.isqrt(10 ** 41))
print(0.1 + 0.2, 1 / 3, 1e300 * 10, -0.0, float("nan") == float("nan"))
print(f"{math.pi:.15f} {math.e:10.4e} {12345.6789:,.2f} {255:#x} {255:08b}")
print(round(2.5), round(3.5), round(2.675, 2), int("  42 "), float("1e-3"))
print(cmath.exp(1j * math.pi), complex(3, 4) * complex(1, -2), abs(3 + 4j))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.nextafter(1.0, 2.0))
print(hex(-255), oct(64), bin(10), int("ff", 16), (1234).to_bytes(4, "big"))
