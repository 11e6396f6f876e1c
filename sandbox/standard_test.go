package sandbox

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coderemote/coderemote/sandbox/sandboxtest"
)

// The standard profile: real programs as they are written — sys, doctest,
// unittest, io — run as a __main__ module. Expected outputs are native
// CPython's for `python3 main.py`, checked against the native build of the
// runtime's own source (3.13.5, sandbox/runtime/build) with the script's
// directory taken out of paths: the sandbox names the program main.py.

func TestStdinReadlineIdiom(t *testing.T) {
	p := sharedPool(t)
	n := 100000
	in, want := sandboxtest.StdinIdiomInput(n)
	res := run(t, p, sandboxtest.StdinIdiomProgram, in, 60*time.Second)
	if !res.Success || res.Stdout != want {
		t.Fatalf("got %q %q %s", res.Stdout, res.Stderr, str(res.Error))
	}
	// The other ways of reading it: all at once, by lines, from the buffer.
	for _, code := range []string{
		"import sys\ndata = sys.stdin.read().split()\nprint(len(data))",
		"import sys\nprint(sum(1 for _ in sys.stdin))",
		"import sys\nprint(len(sys.stdin.readlines()))",
		"import sys\nprint(sys.stdin.buffer.read().count(b'\\n'))",
		"import io\nprint(io.open(0).read().count('\\n'))",
	} {
		res := run(t, p, code, in, 60*time.Second)
		want := map[bool]string{true: strconv.Itoa(2*n+1) + "\n", false: strconv.Itoa(n+1) + "\n"}[strings.Contains(code, "split")]
		if !res.Success || res.Stdout != want {
			t.Fatalf("%q: got %q %q %s", code, res.Stdout, res.Stderr, str(res.Error))
		}
	}
}

func TestInputAndStdinInterleave(t *testing.T) {
	res := run(t, sharedPool(t), "import sys\na = input()\nb = sys.stdin.readline()\nc = input()\nprint([a, b, c, sys.stdin.read()])", "1\n2\n3\n4\n5\n", 0)
	if res.Stdout != "['1', '2\\n', '3', '4\\n5\\n']\n" {
		t.Fatalf("got %+v", res)
	}
}

func TestDoctestAsNative(t *testing.T) {
	p := sharedPool(t)
	res := run(t, p, sandboxtest.DoctestProgram, "", 0)
	if res.Stdout != sandboxtest.DoctestReport || res.Stderr != "" || !res.Success {
		t.Fatalf("got stdout\n%s\nstderr %q, want\n%s", res.Stdout, res.Stderr, sandboxtest.DoctestReport)
	}
	passing := strings.Replace(strings.Replace(sandboxtest.DoctestProgram, "    5\n    \"\"\"", "    4\n    \"\"\"", 1), "    2\n    \"\"\"", "    1\n    \"\"\"", 1)
	if res := run(t, p, passing, "", 0); res.Stdout != "TestResults(failed=0, attempted=7)\n" {
		t.Fatalf("passing doctests: %q %q", res.Stdout, res.Stderr)
	}
}

var ranIn = regexp.MustCompile(`Ran (\d+) tests? in \d+\.\d+s`)

func TestUnittestMainAsNative(t *testing.T) {
	p := sharedPool(t)
	res := run(t, p, sandboxtest.UnittestProgram, "", 0)
	got := ranIn.ReplaceAllString(res.Stderr, "Ran $1 tests in 0.000s")
	if got != sandboxtest.UnittestReport || res.Stdout != "" || res.Success || res.ExitCode != 1 || res.ErrorType != nil {
		t.Fatalf("got exit %d success %v type %s stderr\n%s\nwant\n%s", res.ExitCode, res.Success, str(res.ErrorType), res.Stderr, sandboxtest.UnittestReport)
	}
	fixed := strings.Replace(strings.Replace(sandboxtest.UnittestProgram, "gcd(7, 5), 5", "gcd(7, 5), 1", 1), `raise ValueError("boom")`, "pass", 1)
	res = run(t, p, fixed, "", 0)
	if !res.Success || res.ExitCode != 0 || !strings.HasSuffix(res.Stderr, "\nOK\n") {
		t.Fatalf("passing tests: exit %d stderr %q", res.ExitCode, res.Stderr)
	}
}

// TestRecursionLimitEdge: recursion to the limit the program sets works,
// one level past it is a RecursionError (counted as natively: the module's
// frame is the first), and a limit far past what memory holds ends in a
// clean error, never a crashed worker.
func TestRecursionLimitEdge(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1})
	probe := "import sys\nsys.setrecursionlimit(%d)\ndef f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nprint(sys.getrecursionlimit(), f(%d))"
	res := run(t, p, fmt.Sprintf(probe, 20000, 19998), "", 0)
	if res.Stdout != "20000 19998\n" {
		t.Fatalf("at the limit: %q %q", res.Stdout, res.Stderr)
	}
	res = run(t, p, fmt.Sprintf(probe, 20000, 19999), "", 0)
	if str(res.ErrorType) != "RecursionError" {
		t.Fatalf("past the limit: %+v", res)
	}
	res = run(t, p, "import sys\nsys.setrecursionlimit(10**9)\ndef f(n):\n    return 1 + f(n + 1)\nf(0)", "", 60*time.Second)
	if res.Success || res.TimedOut || !strings.Contains(res.Stderr, "[Previous line repeated") {
		t.Fatalf("unbounded recursion: %+v", res)
	}
	// As natively, a limit just above the current depth is accepted and one
	// at it refused, counted from the module frame (CPython's
	// test_sys.test_setrecursionlimit_to_depth; native 3.13's output).
	res = run(t, p, "import sys\nfor L in (2, 1):\n    try:\n        sys.setrecursionlimit(L); print(L, 'ok')\n    except RecursionError as e:\n        print(L, e)\n    sys.setrecursionlimit(1000)\n"+
		"def f():\n    try:\n        sys.setrecursionlimit(2)\n    except RecursionError as e:\n        print(e)\nf()", "", 0)
	if want := "2 ok\n1 cannot set the recursion limit to 1 at the recursion depth 1: the limit is too low\n" +
		"cannot set the recursion limit to 2 at the recursion depth 2: the limit is too low\n"; res.Stdout != want {
		t.Fatalf("a limit at the current depth: %q, want %q (stderr %q)", res.Stdout, want, res.Stderr)
	}
	expectCleanRuns(t, p, 3)
}

// TestStandardModulesWork: each module the standard profile adds imports
// and does one real thing.
func TestStandardModulesWork(t *testing.T) {
	p := sharedPool(t)
	tests := []struct{ module, code, want string }{
		{"sys", "import sys\nprint(sys.maxsize == 2**31 - 1, sys.version_info[:2], sys.float_info.dig, sys.int_info.bits_per_digit > 0, sys.getsizeof(0) > 0)\nsys.set_int_max_str_digits(5000)\nprint(len(str(10**4000)))", "True (3, 13) 15 True True\n4001\n"},
		{"io", "import io\nb = io.StringIO()\nprint('x', 1, file=b)\nprint(repr(b.getvalue()), io.BytesIO(b'ab').read())", "'x 1\\n' b'ab'\n"},
		{"timeit", "import timeit\nprint(timeit.timeit('1+1', number=1000) >= 0)", "True\n"},
		{"queue", "import queue\nq = queue.PriorityQueue()\nfor x in (3, 1, 2):\n    q.put(x)\nprint([q.get() for _ in range(3)])", "[1, 2, 3]\n"},
		{"hashlib", "import hashlib\nprint(hashlib.sha256(b'abc').hexdigest()[:16], hashlib.md5(b'').hexdigest()[:8])", "ba7816bf8f01cfea d41d8cd9\n"},
		{"zlib", "import zlib, gzip\nz = zlib.compress(b'ab' * 500)\nprint(len(z) < 100, zlib.decompress(z) == b'ab' * 500, zlib.crc32(b'abc'), gzip.decompress(gzip.compress(b'x')))", "True True 891568578 b'x'\n"},
		{"struct", "import struct\nprint(struct.pack('<hI', 1, 2), struct.unpack('>H', b'\\x01\\x02'))", "b'\\x01\\x00\\x02\\x00\\x00\\x00' (258,)\n"},
		{"base64", "import base64, binascii\nprint(base64.b64encode(b'hi'), binascii.hexlify(b'\\x01\\xff'))", "b'aGk=' b'01ff'\n"},
		{"contextlib", "import contextlib\nwith contextlib.suppress(KeyError):\n    {}['x']\nprint('ok')", "ok\n"},
		{"types", "import types\nns = types.SimpleNamespace(a=1)\nprint(ns, isinstance(len, types.BuiltinFunctionType))", "namespace(a=1) True\n"},
		{"secrets", "import secrets\nprint(len(secrets.token_hex(8)), 0 <= secrets.randbelow(10) < 10)", "16 True\n"},
		{"numbers", "import numbers\nprint(isinstance(1.5, numbers.Real), isinstance(1j, numbers.Real))", "True False\n"},
		{"graphlib", "import graphlib\nprint(list(graphlib.TopologicalSorter({'b': {'a'}, 'c': {'b'}}).static_order()))", "['a', 'b', 'c']\n"},
		{"difflib", "import difflib\nprint(round(difflib.SequenceMatcher(None, 'abcd', 'abed').ratio(), 2))", "0.75\n"},
		{"unicodedata", "import unicodedata\nprint(unicodedata.name('é'), unicodedata.normalize('NFD', 'é') != 'é')", "LATIN SMALL LETTER E WITH ACUTE True\n"},
		{"weakref", "import weakref\nclass A: pass\na = A()\nr = weakref.ref(a)\nprint(r() is a)\ndel a\nprint(r())", "True\nNone\n"},
		{"warnings", "import warnings\nwith warnings.catch_warnings(record=True) as w:\n    warnings.simplefilter('always')\n    warnings.warn('careful')\nprint(len(w), str(w[0].message))", "1 careful\n"},
		{"traceback", "import traceback\ntry:\n    1/0\nexcept ZeroDivisionError:\n    print(traceback.format_exc().splitlines()[-1])", "ZeroDivisionError: division by zero\n"},
		{"inspect", "import inspect\ndef f(a, b=2, *c, d):\n    'doc'\n    return a\nprint(inspect.signature(f), inspect.getdoc(f))\nprint(inspect.getsource(f).splitlines()[0])", "(a, b=2, *c, d) doc\ndef f(a, b=2, *c, d):\n"},
		{"pickle", "import pickle\nclass P:\n    def __init__(self, x): self.x = x\nprint(pickle.loads(pickle.dumps(P(3))).x)", "3\n"},
		{"argparse", "import argparse\np = argparse.ArgumentParser()\np.add_argument('--n', type=int, default=3)\nprint(p.parse_args([]).n)", "3\n"},
		{"logging", "import logging, sys\nlogging.basicConfig(stream=sys.stdout, format='%(levelname)s %(message)s')\nlogging.warning('w')", "WARNING w\n"},
		{"email", "from email.message import EmailMessage\nm = EmailMessage()\nm['Subject'] = 'hi'\nprint(m['subject'])", "hi\n"},
		{"xml", "import xml.etree.ElementTree as ET\nprint(ET.fromstring('<a><b>1</b></a>').find('b').text)", "1\n"},
		{"html", "import html\nprint(html.escape('<a>'))", "&lt;a&gt;\n"},
		{"uuid", "import uuid\nprint(uuid.uuid4().version, uuid.UUID(int=1))", "4 00000000-0000-0000-0000-000000000001\n"},
		{"gc", "import gc\nprint(gc.collect() >= 0)", "True\n"},
		{"atexit", "import atexit\natexit.register(print, 'bye')\nprint('hi')", "hi\nbye\n"},
		{"dis", "import dis\nprint(any(i.opname == 'RETURN_VALUE' or i.opname == 'RETURN_CONST' for i in dis.get_instructions(lambda: 1)))", "True\n"},
		{"tomllib", "import tomllib\nprint(tomllib.loads('a = 1'))", "{'a': 1}\n"},
		{"shlex", "import shlex\nprint(shlex.split('a \"b c\"'))", "['a', 'b c']\n"},
		{"ast", "import ast\nprint(ast.literal_eval('[1, (2, 3)]'))", "[1, (2, 3)]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.module, func(t *testing.T) {
			res := run(t, p, tt.code, "", 0)
			if res.Stdout != tt.want || !res.Success {
				t.Fatalf("got %q, want %q; stderr %q %s %v", res.Stdout, tt.want, res.Stderr, str(res.Error), res.SecurityViolations)
			}
		})
	}
}

// TestProgramRunsAsMain: what a script sees of itself natively.
func TestProgramRunsAsMain(t *testing.T) {
	code := "import sys, pickle\nprint(__name__, sys.modules['__main__'].__name__, __file__, sys.argv)\nclass K:\n    pass\nprint(type(pickle.loads(pickle.dumps(K()))).__name__, K.__module__)\nprint(self_ok := 'x'.__class__.__name__)"
	res := run(t, sharedPool(t), code, "", 0)
	if res.Stdout != "__main__ __main__ main.py ['main.py']\nK __main__\nstr\n" {
		t.Fatalf("got %q %q", res.Stdout, res.Stderr)
	}
}

// TestBufferedFileObjectsFlushAtExit: output written through a file object
// of the program's own is flushed when the program ends, as natively.
func TestBufferedFileObjectsFlushAtExit(t *testing.T) {
	res := run(t, sharedPool(t), "import io, sys\nout = io.open(1, 'w')\nout.write('fast\\n')\nprint('slow')", "", 0)
	if res.Stdout != "slow\nfast\n" {
		t.Fatalf("got %q %q", res.Stdout, res.Stderr)
	}
}

func TestClassicProfileRefusesSys(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1, AllowedModules: ClassicModules})
	res := run(t, p, "import sys", "", 0)
	if str(res.ErrorType) != "SecurityError" || len(res.SecurityViolations) != 1 ||
		!strings.Contains(res.SecurityViolations[0].Message, "'sys' is not allowed") {
		t.Fatalf("got %+v", res)
	}
}

func TestResolveAllowlist(t *testing.T) {
	tests := []struct {
		in      []string
		profile string
		n       int
		err     string
	}{
		{nil, ProfileStandard, len(StandardModules), ""},
		{[]string{"standard"}, ProfileStandard, len(StandardModules), ""},
		{[]string{"classic"}, ProfileClassic, 27, ""},
		{[]string{"classic", "sys", "math"}, ProfileCustom, 28, ""},
		{[]string{"math", " json "}, ProfileCustom, 2, ""},
		{[]string{"os.path"}, "", 0, "not a module name"},
		{[]string{"1abc"}, "", 0, "not a module name"},
	}
	for _, tt := range tests {
		profile, mods, err := ResolveAllowlist(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("%v: error %v", tt.in, err)
			}
			continue
		}
		if err != nil || profile != tt.profile || len(mods) != tt.n {
			t.Fatalf("%v: got %s %d %v", tt.in, profile, len(mods), err)
		}
	}
}
