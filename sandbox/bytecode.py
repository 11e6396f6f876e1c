# Compiles an operator's packages (Config.Packages) to bytecode, once per
# directory: the host serves the result as unchecked hash-based .pyc files
# beside the sources (which tracebacks read), so that importing a package
# costs unmarshalling, not compiling. Reads one path per line (relative to
# /py/lib/python3.13) on stdin; writes, for each file that compiles,
# "<path length> <pyc length>\n", the path and the .pyc.
import _imp
import marshal
import sys
from importlib._bootstrap_external import MAGIC_NUMBER, _RAW_MAGIC_NUMBER

BASE = "/py/lib/python3.13/"
UNCHECKED_HASH = (1).to_bytes(4, "little")  # hash-based, source not checked

out = sys.stdout.buffer
for line in sys.stdin.read().splitlines():
    with open(BASE + line, "rb") as f:
        source = f.read()
    try:
        code = compile(source, BASE + line, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        continue  # imported, it fails as natively
    pyc = MAGIC_NUMBER + UNCHECKED_HASH + _imp.source_hash(_RAW_MAGIC_NUMBER, source) + marshal.dumps(code)
    name = line.encode()
    out.write(b"%d %d\n" % (len(name), len(pyc)) + name + pyc)
out.flush()
