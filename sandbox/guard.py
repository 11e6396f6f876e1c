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
import atexit
import gc
import posix  # os without the cost of importing it: it is not loaded under -S

ALLOWED = frozenset(m for m in sys.argv[1].split(",") if m) | {"__future__"}
# Benchmarks of a larger checkpoint image have the guard hold this many
# bytes (non-zero, so that their pages are part of the image); 0 otherwise.
BALLAST = bytes(range(1, 256)) * (int(sys.argv[2]) // 255)
# Allowlisted modules left to the program to import (after the checkpoint):
# benchmarks of an operator's packages imported either way; empty otherwise.
NOT_PRELOADED = frozenset(m for m in sys.argv[3].split(",") if m) if len(sys.argv) > 3 else frozenset()
FILENAME = "main.py"

# What the guard refuses, and why: each reason is part of the error a
# program gets. Layer 1 (WASI) is the boundary; these rules are a courtesy
# and a lint, which keep programs to what they have business doing. Names
# the WASI wall makes harmless (__class__, locals(), vars(), memoryview,
# open(), …) are allowed: open() reaches only the standard input, output and
# error, the read-only library, and the guard's report file, which the guard
# writes again after the program.
BLOCKED_BUILTINS = frozenset((
    "eval", "exec", "compile", "__import__", "breakpoint", "help",
))
BUILTIN_REASONS = {
    "eval": "running strings as code is refused here; parse what you need (int(), float(), json.loads(), ast.literal_eval())",
    "exec": "running strings as code is refused here",
    "compile": "running strings as code is refused here",
    "__import__": "use the import statement, or __import__ with the module's name written out, which the allowlist governs",
    "breakpoint": "there is no debugger attached to the sandbox",
    "help": "the help system is not part of the sandbox",
}
FORBIDDEN_ATTRS = frozenset((
    "__subclasses__", "__bases__", "__base__", "__mro__", "__globals__",
    "__code__", "__builtins__", "__closure__", "__getattribute__",
    "__loader__", "__spec__",
    # frame, traceback, generator and coroutine internals
    "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "f_trace",
    "tb_frame", "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame",
    "ag_code", "co_code", "co_consts",
))
ATTR_REASON = "reaching the interpreter's internals (the class graph, frames, code objects) is refused here"
# Names forbidden as plain names too (the re-exports added below are only
# attribute names: a variable called os is fine).
FORBIDDEN_NAMES = FORBIDDEN_ATTRS
# Names that may not even appear in a string: they are how format strings and
# getattr() with a literal reach what the attribute rule forbids.
FORBIDDEN_IN_STRINGS = tuple(a for a in FORBIDDEN_ATTRS if a.startswith("__"))
# Standard-library modules left out of the standard profile, and why.
REFUSED_MODULES = {
    "os": "programs here have no files, processes or environment",
    "posix": "programs here have no files, processes or environment",
    "pathlib": "programs here have no files",
    "shutil": "programs here have no files",
    "tempfile": "programs here have no files",
    "glob": "programs here have no files",
    "fileinput": "programs here have no files; read input from sys.stdin",
    "filecmp": "programs here have no files",
    "zipfile": "programs here have no files",
    "tarfile": "programs here have no files",
    "mimetypes": "programs here have no files",
    "socket": "there is no network here",
    "ssl": "there is no network here",
    "http": "there is no network here",
    "urllib": "there is no network here",
    "ftplib": "there is no network here",
    "smtplib": "there is no network here",
    "poplib": "there is no network here",
    "imaplib": "there is no network here",
    "socketserver": "there is no network here",
    "xmlrpc": "there is no network here",
    "wsgiref": "there is no network here",
    "webbrowser": "there is no browser or network here",
    "selectors": "there is no network here",
    "select": "there is no network here",
    "asyncio": "its event loop needs sockets, which the sandbox has not",
    "subprocess": "programs here cannot start processes",
    "multiprocessing": "programs here cannot start processes",
    "concurrent": "programs here cannot start threads or processes",
    "threading": "programs here cannot start threads",
    "_thread": "programs here cannot start threads",
    "signal": "programs here have no signals",
    "pty": "there is no terminal here",
    "tty": "there is no terminal here",
    "curses": "there is no terminal here",
    "getpass": "there is no terminal here",
    "pdb": "there is no debugger attached to the sandbox",
    "bdb": "there is no debugger attached to the sandbox",
    "code": "there is no interactive console here",
    "ctypes": "the sandbox's interpreter has no foreign-function interface",
    "sqlite3": "the sandbox's interpreter is built without SQLite",
    "zoneinfo": "the sandbox has no time zone database",
    "importlib": "imports go through the import statement, which the allowlist governs",
    "zipimport": "imports go through the import statement, which the allowlist governs",
    "runpy": "imports go through the import statement, which the allowlist governs",
    "pkgutil": "imports go through the import statement, which the allowlist governs",
    "marshal": "loading code objects is refused here",
    "builtins": "the builtins are there without an import",
    "platform": "the sandbox does not describe its host",
    "sysconfig": "the sandbox does not describe its host",
    "site": "the sandbox does not describe its host",
}

# Compiled packages people often import, which the runtime does not have
# (docs/sandbox.md, "Packages"), and why.
NOT_BUILT = "the sandbox's runtime has no compiled packages beyond the standard library (an operator can add pure-Python packages with --packages)"
UNAVAILABLE_PACKAGES = frozenset((
    "numpy", "scipy", "pandas", "matplotlib",
))


def import_refusal(name):
    """The message for an import of a module outside the allowlist."""
    top = name.split(".")[0]
    reason = REFUSED_MODULES.get(top) or (NOT_BUILT if top in UNAVAILABLE_PACKAGES else None)
    if reason is None:
        reason = "it is not in this server's allowlist"
    return "Import of module '%s' is not allowed: %s" % (name, reason)


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
                add(import_refusal(alias.name))
    elif isinstance(node, _ast.ImportFrom):
        if node.level:
            add("Relative imports are not allowed: a program here is one file")
        elif (node.module or "").split(".")[0] not in ALLOWED:
            add(import_refusal(node.module or ""))
        for alias in node.names:
            if alias.name in FORBIDDEN_ATTRS:
                add("Import of name '%s' is not allowed: %s" % (alias.name, ATTR_REASON))
    elif (isinstance(node, _ast.Call) and isinstance(node.func, _ast.Name) and node.func.id == "__import__"
          and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], _ast.Constant)
          and isinstance(node.args[0].value, str)):
        # __import__("doctest").testmod(): the module is named in the code,
        # so the allowlist applies as to an import statement; the call is
        # rewritten to literal_import, which applies it again when it runs.
        name = node.args[0].value
        if name.startswith(".") or name.split(".")[0] not in ALLOWED:
            add(import_refusal(name))
        func = _ast.Name(id=LITERAL_IMPORT, ctx=_ast.Load())
        for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            setattr(func, attr, getattr(node.func, attr))
        node.func = func
    elif isinstance(node, _ast.Name):
        if node.id in BLOCKED_BUILTINS and not isinstance(node.ctx, _ast.Store):
            add("Use of builtin '%s' is not allowed: %s" % (node.id, BUILTIN_REASONS[node.id]))
        elif node.id in FORBIDDEN_NAMES:
            add("Use of name '%s' is not allowed: %s" % (node.id, ATTR_REASON))
    elif isinstance(node, _ast.Attribute):
        if node.attr in FORBIDDEN_ATTRS:
            add("Access to attribute '%s' is not allowed: %s" % (node.attr, ATTR_REASON))
    elif isinstance(node, _ast.Constant) and isinstance(node.value, str):
        for name in FORBIDDEN_IN_STRINGS:
            if name in node.value:
                add("String mentions forbidden attribute '%s': %s" % (name, ATTR_REASON))
                break


def checked_name(name):
    if not isinstance(name, str):
        raise TypeError("attribute name must be string, not '%s'" % type(name).__name__)
    if name in FORBIDDEN_ATTRS:
        raise AttributeError("access to attribute '%s' is not allowed: %s" % (name, ATTR_REASON))
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
            raise ImportError(import_refusal(name), name=name)
    return real_import(name, globals, locals, fromlist, level)


class Quitter:
    """exit() and quit(), which the site module would normally provide."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Use %s() or Ctrl-D (i.e. EOF) to exit" % self.name

    def __call__(self, code=None):
        raise SystemExit(code)


LITERAL_IMPORT = "__import_named__"


def literal_import(name):
    """__import__ with the module's name written out, as the guard rewrites
    it: the allowlist applies as to the import statement."""
    if not isinstance(name, str) or name.startswith(".") or name.split(".")[0] not in ALLOWED:
        raise ImportError(import_refusal(str(name)), name=str(name))
    return real_import(name)


def user_builtins():
    b = dict(builtins.__dict__)
    for name in BLOCKED_BUILTINS:
        b.pop(name, None)
    b["__import__"] = guarded_import  # what the import statement calls
    b[LITERAL_IMPORT] = literal_import
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


# A traceback deeper than this (recursion under a limit raised far past
# the default) is shown by its last TRACEBACK_KEEP entries: native CPython
# 3.13 formats every one (≈ 0.3 ms each under WebAssembly), which for
# hundreds of thousands takes longer than a run may.
TRACEBACK_DEEP = 10000
TRACEBACK_KEEP = 1000


def format_exception(exc, source):
    """The traceback as native CPython would print it, user frames only."""
    import linecache
    import traceback
    linecache.cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
    seen, e = set(), exc
    while e is not None and id(e) not in seen:  # the exception and its causes
        seen.add(id(e))
        e.__traceback__ = last_entries(e.__traceback__)
        e = e.__cause__ or e.__context__
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def last_entries(tb):
    """tb, or its last TRACEBACK_KEEP entries when it is deeper than
    TRACEBACK_DEEP."""
    depth, t = 0, tb
    while t is not None:
        depth, t = depth + 1, t.tb_next
    if depth > TRACEBACK_DEEP:
        for _ in range(depth - TRACEBACK_KEEP):
            tb = tb.tb_next
    return tb


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
    main = new_main(source)
    user_globals = main.__dict__
    # The program's module frame sits on top of the guard's (and importlib's)
    # frames; give it the recursion depth it would have natively.
    set_recursion_offset(stack_depth())
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
        # Reported: let go of its frames before the program's objects are
        # released (a deep recursion leaves millions of them).
        e.__traceback__ = tb = None
    finalize(main)
    return report


def new_main(source):
    """The program's module, as `python3 main.py` makes it: a real module
    named __main__ in sys.modules, with its source in linecache, so that
    doctest, unittest, pickle and inspect find it."""
    import linecache
    linecache.cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
    main = type(sys)("__main__")
    main.__dict__.update(__file__=FILENAME, __cached__=None, __builtins__=user_builtins())
    sys.modules["__main__"] = main
    return main


def finalize(main):
    """What the interpreter does at exit: the atexit callbacks, a flush of
    the standard streams, then the program's objects released (so that
    their __del__ methods run and files they wrote are flushed), as the
    interpreter clears __main__ (names starting with _ first)."""
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass
    flush_std()
    try:
        d = main.__dict__
        for first in (True, False):
            for name in [k for k in d if k != "__builtins__" and (k[:1] == "_") == first]:
                d[name] = None
        gc.collect()
    except BaseException:
        pass
    flush_std()


real_setrecursionlimit = sys.setrecursionlimit
real_getrecursionlimit = sys.getrecursionlimit
recursion_offset = 0


def set_recursion_offset(depth):
    """Count the recursion limit from the program's module frame, as
    natively, whatever the program sets it to."""
    global recursion_offset
    recursion_offset = depth
    real_setrecursionlimit(real_getrecursionlimit() + depth)


def setrecursionlimit(limit):
    if type(limit) is not int or limit < 1:
        real_setrecursionlimit(limit)  # the interpreter's own TypeError or ValueError
    # The interpreter refuses a limit at or below the current depth. Count
    # the depth as the limit is counted, from the program's module frame
    # (this frame is one deeper than its caller's).
    try:
        real_setrecursionlimit(limit + recursion_offset + 1)
    except RecursionError:
        depth = stack_depth() - recursion_offset - 1
        raise RecursionError("cannot set the recursion limit to %d at the recursion depth %d: "
                             "the limit is too low" % (limit, depth)) from None
    try:
        real_setrecursionlimit(limit + recursion_offset)
    except RecursionError:
        # A limit one above the caller's depth: natively allowed, but this
        # frame is at it. Keep the one-higher limit set above (the program
        # may recurse one frame deeper than natively from here).
        pass


def getrecursionlimit():
    return real_getrecursionlimit() - recursion_offset


def install_recursion_limit():
    for f, real in ((setrecursionlimit, real_setrecursionlimit), (getrecursionlimit, real_getrecursionlimit)):
        f.__name__ = f.__qualname__ = real.__name__
        f.__doc__, f.__module__ = real.__doc__, "sys"
    sys.setrecursionlimit, sys.getrecursionlimit = setrecursionlimit, getrecursionlimit


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
    re-export a dangerous module. Where sys is allowed there is no point:
    sys.modules hands out every loaded module (WASI is the wall)."""
    global FORBIDDEN_ATTRS
    if "sys" in ALLOWED:
        return
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
    for name in sorted(ALLOWED - NOT_PRELOADED):
        try:
            real_import(name)
        except Exception:  # a program that imports it gets the error itself
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
    install_recursion_limit()
    preload()
    forbid_reexports()
    checked_callables()
    # Everything loaded so far lives as long as the checkpoint: keep the
    # collector off it, so that collecting a run's garbage stays cheap (and
    # writes no page of the image).
    gc.collect()
    gc.freeze()
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
