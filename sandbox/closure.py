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
import _pylong  # noqa: E402,F401  (int <-> str past int_max_str_digits, imported by C code on demand)

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
    if "argparse" in allowed:
        import argparse
        parser = argparse.ArgumentParser(prog="p")
        parser.add_argument("--n", type=int, default=1)
        parser.format_help()
        parser.parse_args([])
    if "unittest" in allowed:
        import io
        import unittest

        class Case(unittest.TestCase):
            def test_pass(self):
                self.assertEqual(1, 1)

            def test_fail(self):
                self.assertEqual(1, 2)
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(Case)
        unittest.TextTestRunner(stream=io.StringIO()).run(suite)
    if "doctest" in allowed:
        import doctest
        import io

        def f():
            """
            >>> 1 + 1
            3
            """
        runner = doctest.DocTestRunner()
        for test in doctest.DocTestFinder().find(f, "f", globs={}):
            runner.run(test, out=io.StringIO().write)
    if "logging" in allowed:
        import io
        import logging
        logging.basicConfig(stream=io.StringIO())
        logging.getLogger("p").warning("w")
    if "inspect" in allowed:
        import inspect
        inspect.signature(exercise)
    if "pickle" in allowed:
        import pickle
        pickle.loads(pickle.dumps({"a": [1, 2.5]}))
    for codec in ("latin-1", "ascii", "utf-16", "utf-32", "cp1252"):
        "x".encode(codec)


exercise()


def submodules(packages):
    """The submodules of the allowed packages, which a program may import
    by name (`import xml.etree.ElementTree`): importing each finds what it
    needs in turn. __main__ modules run something at import, and are left
    to the package's own import."""
    import zipfile
    with zipfile.ZipFile("/py/lib/python313.zip") as z:
        names = z.namelist()
    for entry in names:
        top, _, rest = entry.partition("/")
        if not rest or top not in packages or not entry.endswith(".pyc") or "__main__" in entry:
            continue
        module = entry[:-len(".pyc")].replace("/", ".")
        yield module[:-len(".__init__")] if module.endswith(".__init__") else module


import warnings  # noqa: E402
warnings.simplefilter("ignore")  # deprecated submodules still ship
for name in submodules(allowed):
    try:
        __import__(name)
    except Exception:  # a part that cannot work under WASI: left out
        pass

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
