# Writes the sandbox's standard library: every module of CPython's Lib/ (less
# tests, GUI, packaging and the other parts no sandboxed program can use),
# compiled to bytecode by the same CPython version, into a zip that is
# reproducible: sorted entries, fixed timestamps, hash-based .pyc headers.
#
# Usage: python3.13 -S stdlib_zip.py LIBDIR SYSCONFIGDIR OUT.zip
import importlib.util
import marshal
import os
import sys
import zipfile

SKIP_DIRS = {
    "test", "tests", "idle_test", "idlelib", "tkinter", "turtledemo", "ensurepip", "venv",
    "lib2to3", "pydoc_data", "site-packages", "__pycache__", "__phello__", "msilib",
    "_pyrepl",
}
SKIP_FILES = {"turtle.py", "antigravity.py", "this.py", "pydoc.py"}
EPOCH = (1980, 1, 1, 0, 0, 0)


def pyc(path, name):
    with open(path, "rb") as f:
        source = f.read()
    code = compile(source, name, "exec", dont_inherit=True, optimize=0)
    # PEP 552 unchecked hash-based pyc: flags 0b01, then the source hash.
    return (importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little")
            + importlib.util.source_hash(source) + marshal.dumps(code))


def modules(libdir):
    for dirpath, dirnames, filenames in os.walk(libdir):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("config-"))
        for fn in sorted(filenames):
            if fn.endswith(".py") and fn not in SKIP_FILES:
                path = os.path.join(dirpath, fn)
                yield os.path.relpath(path, libdir), path


def main(libdir, sysconfigdir, out):
    entries = dict(modules(libdir))
    for fn in os.listdir(sysconfigdir):
        if fn.startswith("_sysconfigdata_") and fn.endswith(".py"):
            entries[fn] = os.path.join(sysconfigdir, fn)
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for rel in sorted(entries):
            info = zipfile.ZipInfo(rel[:-3] + ".pyc", EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, pyc(entries[rel], rel))
    os.replace(tmp, out)
    print("stdlib.zip: %d modules" % len(entries), file=sys.stderr)


main(*sys.argv[1:])
