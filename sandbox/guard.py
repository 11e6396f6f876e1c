# Code Remote guest guard: layer 3 of the sandbox (see docs/sandbox.md).
#
# It starts a CPython-on-WASI instance: it imports every allowlisted module
# and what it needs itself, then asks the host for a checkpoint (fd_datasync)
# and waits for a program on standard input:
#
#   <decimal length of the program in bytes>\n<the program, UTF-8>
#
# and everything after it is the program's own standard input. It checks the
# program's syntax tree (imports outside the allowlist, blocked builtins,
# forbidden attributes), runs it with restricted builtins and an import hook,
# writes a JSON report to /cr/result and exits; the host then rewinds the
# instance to the checkpoint, and the guard finds itself waiting for the next
# program with everything as it was. It never trusts the program: the host
# checks and caps everything the report says. Layer 1 (WASI) is the real
# boundary.

import sys
import builtins
import _ast
import posix  # os without the cost of importing it: it is not loaded under -S

ALLOWED = frozenset(m for m in sys.argv[1].split(",") if m) | {"__future__"}
# Benchmarks of a larger checkpoint image have the guard hold this many
# bytes (non-zero, so that their pages are part of the image); 0 otherwise.
BALLAST = bytes(range(1, 256)) * (int(sys.argv[2]) // 255)
FILENAME = "main.py"

BLOCKED_BUILTINS = frozenset((
    "eval", "exec", "compile", "open", "__import__", "globals", "locals",
    "vars", "breakpoint", "help", "memoryview",
))
FORBIDDEN_ATTRS = frozenset((
    "__class__", "__bases__", "__base__", "__subclasses__", "__mro__",
    "__globals__", "__code__", "__builtins__", "__import__", "__closure__",
    "__getattribute__", "__reduce__", "__reduce_ex__", "__loader__",
    "__spec__", "__self__", "__func__", "__init_subclass__",
    "__subclasshook__",
    # frame, traceback, generator and coroutine internals
    "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "f_trace",
    "tb_frame", "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame",
    "ag_code", "co_code", "co_consts",
))
# Names forbidden as plain names too (the re-exports added below are only
# attribute names: a variable called os is fine).
FORBIDDEN_NAMES = FORBIDDEN_ATTRS
# Names that may not even appear in a string: they are how format strings and
# getattr() with a literal reach what the attribute rule forbids.
FORBIDDEN_IN_STRINGS = tuple(a for a in FORBIDDEN_ATTRS if a.startswith("__"))


def violations(tree):
    """Walk the syntax tree; return [(line, col, message)] in source order."""
    found = []
    stack = [tree]
    while stack:
        node = stack.pop()
        check_node(node, found)
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, _ast.AST):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, _ast.AST))
    found.sort()
    return found


def check_node(node, found):
    def add(msg):
        found.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0) + 1, msg))

    if isinstance(node, _ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] not in ALLOWED:
                add("Import of module '%s' is not allowed" % alias.name)
    elif isinstance(node, _ast.ImportFrom):
        if node.level:
            add("Relative imports are not allowed")
        elif (node.module or "").split(".")[0] not in ALLOWED:
            add("Import of module '%s' is not allowed" % node.module)
        for alias in node.names:
            if alias.name in FORBIDDEN_ATTRS:
                add("Import of name '%s' is not allowed" % alias.name)
    elif isinstance(node, _ast.Name):
        if node.id in BLOCKED_BUILTINS and not isinstance(node.ctx, _ast.Store):
            add("Use of builtin '%s' is not allowed" % node.id)
        elif node.id in FORBIDDEN_NAMES:
            add("Use of name '%s' is not allowed" % node.id)
    elif isinstance(node, _ast.Attribute):
        if node.attr in FORBIDDEN_ATTRS:
            add("Access to attribute '%s' is not allowed" % node.attr)
    elif isinstance(node, _ast.Constant) and isinstance(node.value, str):
        for name in FORBIDDEN_IN_STRINGS:
            if name in node.value:
                add("String mentions forbidden attribute '%s'" % name)
                break


def checked_name(name):
    if not isinstance(name, str):
        raise TypeError("attribute name must be string, not '%s'" % type(name).__name__)
    if name in FORBIDDEN_ATTRS:
        raise AttributeError("access to attribute '%s' is not allowed" % name)
    return name


def safe_getattr(obj, name, *default):
    return getattr(obj, checked_name(name), *default)


def safe_hasattr(obj, name):
    return hasattr(obj, checked_name(name))


def safe_setattr(obj, name, value):
    setattr(obj, checked_name(name), value)


def safe_delattr(obj, name):
    delattr(obj, checked_name(name))


real_import = builtins.__import__
import opcode  # noqa: E402  (before the checkpoint, so it costs a run nothing)
IMPORT_NAME = opcode.opmap["IMPORT_NAME"]
del opcode


def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    """The user's import statements come here. The standard library's own
    modules use the real builtins; imports that C code makes on the user's
    behalf (datetime.strptime importing _strptime) arrive here too, from a
    user frame that is not executing an import statement, and pass."""
    caller = sys._getframe(1)
    code = caller.f_code
    if code.co_filename == FILENAME and code.co_code[caller.f_lasti] == IMPORT_NAME:
        if level:
            raise ImportError("relative imports are not allowed")
        if name.split(".")[0] not in ALLOWED:
            raise ImportError("import of module '%s' is not allowed" % name, name=name)
    return real_import(name, globals, locals, fromlist, level)


class Quitter:
    """exit() and quit(), which the site module would normally provide."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Use %s() or Ctrl-D (i.e. EOF) to exit" % self.name

    def __call__(self, code=None):
        raise SystemExit(code)


def user_builtins():
    b = dict(builtins.__dict__)
    for name in BLOCKED_BUILTINS:
        b.pop(name, None)
    b["__import__"] = guarded_import  # what the import statement calls
    b["getattr"] = safe_getattr
    b["hasattr"] = safe_hasattr
    b["setattr"] = safe_setattr
    b["delattr"] = safe_delattr
    b["exit"] = Quitter("exit")
    b["quit"] = Quitter("quit")
    return b


def install_sleep():
    """time.sleep as CPython defines it. The WASI build sleeps with an
    absolute-time clock_nanosleep that the runtime does not offer, so sleep
    in relative steps through select(), which it does."""
    import time
    import select
    monotonic = time.monotonic

    def sleep(secs):
        kind = type(secs)
        if not (hasattr(kind, "__float__") or hasattr(kind, "__index__")):
            raise TypeError("'%s' object cannot be interpreted as an integer" % kind.__name__)
        secs = float(secs)
        if secs != secs:
            raise ValueError("Invalid value NaN (not a number)")
        if secs < 0:
            raise ValueError("sleep length must be non-negative")
        deadline = monotonic() + secs
        while True:
            remaining = deadline - monotonic()
            if remaining <= 0:
                return
            select.select([], [], [], remaining)

    sleep.__module__ = "time"
    sleep.__doc__ = time.sleep.__doc__
    time.sleep = sleep


def read_exactly(n):
    raw = sys.stdin.buffer.raw
    chunks = []
    while n > 0:
        chunk = raw.read(n)
        if not chunk:
            raise EOFError("the host closed standard input before the program arrived")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_header():
    """The host sends the program's length in bytes, a newline, then the program."""
    digits = b""
    while not digits.endswith(b"\n"):
        digits += read_exactly(1)
        if len(digits) > 12:
            raise ValueError("bad header from the host")
    return read_exactly(int(digits)).decode("utf-8", "surrogateescape")


def json_str(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif o < 0x20 or 0xD800 <= o <= 0xDFFF:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_dump(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json_str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(json_dump(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(json_str(k) + ":" + json_dump(x) for k, x in v.items()) + "}"
    return json_str(repr(v))


def write_report(report):
    data = json_dump(report).encode("utf-8", "surrogatepass")
    fd = posix.open("/cr/result", posix.O_WRONLY | posix.O_TRUNC)
    try:
        while data:
            data = data[posix.write(fd, data):]
    finally:
        posix.close(fd)


def safe_str(e):
    try:
        return str(e)
    except BaseException:
        return "<exception str() failed>"


def user_traceback(exc):
    """The traceback without the guard's own frames: those before the
    program's first, and any between (the import hook)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != FILENAME:
        tb = tb.tb_next
    first = tb
    while tb is not None:
        nxt = tb.tb_next
        while nxt is not None and nxt.tb_frame.f_code.co_filename == GUARD_FILENAME:
            nxt = nxt.tb_next
        if nxt is not tb.tb_next:
            tb.tb_next = nxt  # the setter walks the chain for a loop: only when needed
        tb = nxt
    return first


GUARD_FILENAME = "<guard>"  # the guard's code objects (closure.py compiles it so)


def user_line(tb):
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def format_exception(exc, source):
    """The traceback as native CPython would print it, user frames only."""
    import linecache
    import traceback
    linecache.cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def flush_std():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def exit_code_of(exc):
    """What CPython's handling of SystemExit would exit with on Linux, and
    print: an int is converted to a C long (255 when it does not fit) and
    the process status is its low byte."""
    code = exc.code
    if code is None:
        return 0, None
    if isinstance(code, int):
        if not -(1 << 63) <= code < (1 << 63):
            return 255, None
        return code & 0xFF, None
    return 1, safe_str(code)


def run(source):
    report = {"exit_code": 0, "error_type": None, "error": None, "error_line": None,
              "traceback": None, "violations": []}
    try:
        tree = compile(source, FILENAME, "exec", _ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as e:
        import traceback
        import linecache
        linecache.cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
        e.__traceback__ = None
        text = "".join(traceback.format_exception_only(type(e), e))
        sys.stderr.write(text)
        report.update(exit_code=1, error_type=type(e).__name__, error=e.msg,
                      error_line=e.lineno, traceback=text)
        return report
    found = violations(tree)
    if found:
        report.update(exit_code=1, error_type="SecurityError", error="Security validation failed",
                      error_line=found[0][0],
                      violations=[{"line": l, "column": c, "message": m} for l, c, m in found])
        return report
    code = compile(tree, FILENAME, "exec", dont_inherit=True)
    user_globals = {"__name__": "__main__", "__doc__": None, "__builtins__": user_builtins()}
    # The program's module frame sits on top of the guard's (and importlib's)
    # frames; give it the recursion depth it would have natively.
    sys.setrecursionlimit(sys.getrecursionlimit() + stack_depth())
    try:
        exec(code, user_globals)
    except SystemExit as e:
        status, message = exit_code_of(e)
        if message is not None:
            sys.stderr.write(message + "\n")
        report["exit_code"] = status
    except BaseException as e:
        tb = e.__traceback__ = user_traceback(e)
        if isinstance(e, MemoryError):
            release_memory(tb, user_globals)
        flush_std()
        try:
            text = format_exception(e, source)
        except BaseException:
            text = "%s: %s\n" % (type(e).__name__, safe_str(e))
        sys.stderr.write(text)
        report.update(exit_code=1, error_type=type(e).__name__, error=safe_str(e),
                      error_line=user_line(tb), traceback=text)
    return report


def stack_depth():
    depth, frame = 0, sys._getframe(1)
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    return depth


def release_memory(tb, user_globals):
    """After a MemoryError, drop what the program holds, so that formatting
    the traceback (which imports modules) has memory to work with."""
    while tb is not None:
        try:
            tb.tb_frame.clear()
        except RuntimeError:
            pass
        tb = tb.tb_next
    user_globals.clear()
    import gc
    gc.collect()


# Modules a program must not reach through an allowlisted module that keeps
# a reference to one (typing.sys, random._os, …).
DANGEROUS_MODULES = frozenset((
    "sys", "os", "posix", "builtins", "io", "_io", "importlib", "_imp", "marshal", "gc",
    "inspect", "_thread", "zipimport", "codecs", "_codecs", "_frozen_importlib",
    "_frozen_importlib_external", "_signal",
))


def forbid_reexports():
    """Forbid the attribute names under which the loaded allowlisted modules
    re-export a dangerous module."""
    global FORBIDDEN_ATTRS
    names = set()
    module_type = type(sys)
    for modname, mod in list(sys.modules.items()):
        if modname.split(".")[0] not in ALLOWED or mod is None:
            continue
        for attr, value in list(mod.__dict__.items()):
            if type(value) is module_type and value.__name__.split(".")[0] in DANGEROUS_MODULES:
                names.add(attr)
    FORBIDDEN_ATTRS = FORBIDDEN_ATTRS | names


def checked_callables():
    """operator.attrgetter and methodcaller, and string.Formatter, take
    attribute names as strings: apply the attribute rule to them too."""
    operator = sys.modules.get("operator")
    if operator is not None:
        attrgetter, methodcaller = operator.attrgetter, operator.methodcaller

        def checked_attrgetter(attr, *attrs):
            for a in (attr,) + attrs:
                if isinstance(a, str):
                    for part in a.split("."):
                        checked_name(part)
            return attrgetter(attr, *attrs)

        def checked_methodcaller(name, *args, **kwargs):
            return methodcaller(checked_name(name), *args, **kwargs)

        for f, real in ((checked_attrgetter, attrgetter), (checked_methodcaller, methodcaller)):
            f.__name__, f.__qualname__, f.__doc__, f.__module__ = real.__name__, real.__name__, real.__doc__, "operator"
        operator.attrgetter, operator.methodcaller = checked_attrgetter, checked_methodcaller
    string = sys.modules.get("string")
    if string is not None:
        import _string
        get_field = string.Formatter.get_field

        def checked_get_field(self, field_name, args, kwargs):
            for is_attr, name in _string.formatter_field_name_split(field_name)[1]:
                if is_attr:
                    checked_name(name)
            return get_field(self, field_name, args, kwargs)

        string.Formatter.get_field = checked_get_field


def preload():
    """Import every allowlisted module, and what the guard itself uses to
    report errors, so that the checkpoint holds them: a run then imports
    them from sys.modules for free. What a module does lazily in common use
    is done here too (closure.py exercises the same paths)."""
    for name in sorted(ALLOWED):
        try:
            real_import(name)
        except ImportError:
            pass
    import linecache  # noqa: F401  (format_exception)
    import traceback  # noqa: F401
    if "datetime" in ALLOWED:
        import datetime
        datetime.datetime.strptime("2024-01-02 03:04", "%Y-%m-%d %H:%M")
    if "time" in ALLOWED:
        import time
        time.strptime("2024", "%Y")
    if "decimal" in ALLOWED:
        import decimal
        format(decimal.Decimal("1.5"), ",.2f")


def checkpoint():
    """Ask the host to checkpoint the instance here. Every run starts by
    returning from this call. The host answers EAGAIN when it wants the
    checkpoint taken again (its batch of stack snapshots is used up)."""
    while True:
        try:
            posix.fdatasync(0)
            return
        except OSError as e:
            if e.errno != errno_EAGAIN:
                raise


errno_EAGAIN = 6  # WASI's EAGAIN


def reseed():
    """Modules seeded when they were imported would repeat their numbers in
    every run: reseed them from the host's randomness."""
    random = sys.modules.get("random")
    if random is not None:
        random.seed()


# The guard's exit status when it cannot read its next program: the host
# replaces the instance instead of rewinding it (instance.go, guardNoProgram).
NO_PROGRAM = 86


def main():
    # Line-buffered like a terminal, so output reaches the host as it is printed.
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    # What a script sees natively when run as `python3 main.py`, not the
    # guard's command line and allowlist.
    sys.argv = [FILENAME]
    sys.orig_argv = ["python3", FILENAME]
    install_sleep()
    preload()
    forbid_reexports()
    checked_callables()
    checkpoint()
    serve()


def serve():
    """One run, from the checkpoint to the exit. Nothing the guard itself
    raises reaches the program's output: the host reports what it can."""
    try:
        reseed()
        source = read_header()  # the instance waits here for its program
    except BaseException:
        posix._exit(NO_PROGRAM)
    try:
        report = run(source)
    except BaseException:
        # The program broke what the guard reports with (sys.stderr, say).
        report = {"exit_code": 1, "error_type": "InternalError",
                  "error": "the program left the sandbox unable to report its result",
                  "error_line": None, "traceback": None, "violations": []}
    try:
        flush_std()
        write_report(report)
    except BaseException:
        pass
    posix._exit(report["exit_code"])


main()
