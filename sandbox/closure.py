# Prepares the standard library for a given allowlist. It finds which files
# a run needs: the allowlisted modules, what they import at import time, what
# they import lazily in common use (exercised below), and what the guard needs
# to format tracebacks; and it compiles the guard (/py/guard.py) once, so that
# instances load its bytecode instead of compiling it (~30 ms each).
# Prints one zip entry name per line, then "guard-pyc <hex>". Runs once per
# allowlist against the full standard library; the result is cached on disk.
import sys

allowed = set(m for m in sys.argv[1].split(",") if m)

import linecache  # noqa: E402,F401  (the guard formats tracebacks with these)
import opcode  # noqa: E402,F401  (the guard reads IMPORT_NAME from it)
import traceback  # noqa: E402,F401

for name in sorted(allowed):
    try:
        __import__(name)
    except ImportError:
        print("missing module: " + name, file=sys.stderr)


def exercise():
    """Lazy imports inside allowlisted modules, triggered by everyday use."""
    if "datetime" in allowed:
        import datetime
        datetime.datetime.strptime("2024-01-02 03:04", "%Y-%m-%d %H:%M").strftime("%c")
    if "time" in allowed:
        import time
        time.strptime("2024", "%Y")
    if "decimal" in allowed:
        import decimal
        format(decimal.Decimal("1234.5"), ",.2f")
    if "re" in allowed:
        import re
        re.compile("[a-z]+", re.I).findall("Abc")
    if "copy" in allowed:
        import copy

        class Box:
            pass
        copy.deepcopy(Box())
    if "dataclasses" in allowed:
        import dataclasses

        @dataclasses.dataclass(order=True)
        class P:
            x: int = 0
        dataclasses.asdict(P(1))
    if "typing" in allowed:
        import typing

        class T(typing.NamedTuple):
            a: int
        typing.get_type_hints(T)
    if "calendar" in allowed:
        import calendar
        calendar.month(2024, 1)
    if "random" in allowed:
        import random
        random.seed("seed")
        random.SystemRandom().random()
    if "statistics" in allowed:
        import statistics
        statistics.NormalDist(0, 1).cdf(0.5)
    if "json" in allowed:
        import json
        json.loads(json.dumps({"a": [1.5, None]}, indent=2, sort_keys=True))
    for codec in ("latin-1", "ascii", "utf-16", "utf-32", "cp1252"):
        "x".encode(codec)


exercise()

for module in list(sys.modules.values()):
    origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
    if ".zip/" in origin:
        print(origin.split(".zip/", 1)[1])


def guard_pyc():
    """The guard as a .pyc: magic, flags, mtime and size (zero: zipimport
    checks them only against a source file, and there is none), bytecode."""
    import marshal
    from importlib._bootstrap_external import MAGIC_NUMBER
    with open("/py/guard.py") as f:
        code = compile(f.read(), "<guard>", "exec", dont_inherit=True)
    return MAGIC_NUMBER + bytes(12) + marshal.dumps(code)


print("guard-pyc " + guard_pyc().hex())
