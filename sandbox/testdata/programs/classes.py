from dataclasses import dataclass, field
from enum import Enum, auto
from typing import NamedTuple
from abc import ABC, abstractmethod
import functools


class Color(Enum):
    RED = auto()
    GREEN = auto()


class Point(NamedTuple):
    x: int
    y: int


@dataclass(order=True, frozen=True)
class Item:
    priority: int
    name: str = field(compare=False)
    tags: tuple = ()


class Shape(ABC):
    @abstractmethod
    def area(self): ...

    def __repr__(self):
        return f"{type(self).__name__}(area={self.area():.2f})"


class Circle(Shape):
    def __init__(self, r):
        self.r = r

    def area(self):
        return 3.14159 * self.r ** 2


class Square(Shape):
    def __init__(self, s):
        self.s = s

    def area(self):
        return self.s ** 2


@functools.total_ordering
class Version:
    def __init__(self, s):
        self.parts = tuple(int(p) for p in s.split("."))

    def __eq__(self, o):
        return self.parts == o.parts

    def __lt__(self, o):
        return self.parts < o.parts

    def __repr__(self):
        return "v" + ".".join(map(str, self.parts))


print(Color.RED, Color.GREEN.value, list(Color), Color["RED"] is Color.RED)
print(Point(1, 2), Point(1, 2)._asdict(), Point._fields)
items = sorted([Item(3, "c"), Item(1, "a", ("x",)), Item(2, "b")])
print(items, items[0] == Item(1, "zzz", ("x",)))
print(sorted([Circle(1), Square(2), Circle(0.5)], key=lambda s: s.area()))
print(sorted(map(Version, ["1.10", "1.2", "1.2.1", "0.9"])), Version("1.0") <= Version("1.0"))
try:
    Shape()
except TypeError as e:
    print("TypeError:", e)
