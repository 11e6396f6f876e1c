import dataclasses
import fractions


@dataclasses.dataclass
class Rect:
    w: fractions.Fraction
    h: fractions.Fraction


def area(r):
    return r.w * r.h


def broken():
    raise ValueError("raised inside the package")
