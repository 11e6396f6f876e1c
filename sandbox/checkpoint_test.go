package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// reachSys is a guard bypass (see TestEscapesAreContained) that gives a
// program the real sys and open, as a program that got past the guard would
// have them: the checkpoint must hold even then.
const reachSys = "import json\nb = json.__dict__['__bui' + 'ltins__']\nsys = b['__imp' + 'ort__']('sys')\n"

// TestNoStateSurvivesARun runs, on one worker, a probe, then a program that
// tries to leave something behind, then the probe again: the probe must see
// the same thing both times.
func TestNoStateSurvivesARun(t *testing.T) {
	for _, mode := range rewindModes(t) {
		t.Run(string(mode), func(t *testing.T) { testNoStateSurvivesARun(t, mode) })
	}
}

func testNoStateSurvivesARun(t *testing.T, mode RewindMode) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1, MemoryLimit: 64 << 20, OutputLimit: 4096, Rewind: mode})
	if got := p.Stats().Rewind; got != mode {
		t.Fatalf("the pool rewinds with %q, want %q", got, mode)
	}
	tests := []struct {
		name, setup, probe string
		stdin              string
		timeout            time.Duration
	}{
		{"module attribute", "import math\nmath.leak = 1", "import math\nprint(hasattr(math, 'leak'))", "", 0},
		{"monkey-patched function", "import math\nmath.sqrt = lambda x: 42", "import math\nprint(math.sqrt(16))", "", 0},
		{"class attribute of an allowlisted module", "import fractions, json\nfractions.Fraction.leak = 1\njson.JSONEncoder.item_separator = '|'",
			"import fractions, json\nprint(hasattr(fractions.Fraction, 'leak'), json.dumps([1, 2]))", "", 0},
		{"decimal context", "from decimal import getcontext\ngetcontext().prec = 3", "from decimal import Decimal\nprint(Decimal(1) / Decimal(7))", "", 0},
		{"random seed", "import random\nrandom.seed(1)", "import random\nprint(random.random() == 0.13436424411240122)", "", 0},
		{"leftover stdin", "print(input())", "try:\n    print(input())\nexcept EOFError:\n    print('eof')", "first\nsecond\nthird\n", 0},
		{"lru_cache of a module", "import re\nfor i in range(300):\n    re.compile('x%d' % i)", "import re\nprint(len(re._cache) + len(re._cache2))", "", 0},
		{"copy dispatch table", "import copy\ncopy._deepcopy_dispatch[int] = lambda x, memo: 0", "import copy\nprint(copy.deepcopy(5))", "", 0},
		{"abc registry", "import collections.abc\ncollections.abc.Sequence.register(int)", "import collections.abc\nprint(isinstance(1, collections.abc.Sequence))", "", 0},
		{"enum registry", "import enum\nclass Color(enum.Enum):\n    RED = 1\nenum.Enum._leak = Color", "import enum\nprint(hasattr(enum.Enum, '_leak'))", "", 0},
		{"exception mid-output", "print('partial', end='')\nraise ValueError('x')", "print('clean')", "", 0},
		{"large allocation", "x = bytearray(b'SECRET' * 5000000)\nprint(len(x))", "x = bytearray(40 * 1024 * 1024)\nprint(len(x), x.count(0) == len(x))", "", 0},
		{"over the memory cap", "x = bytearray(512 * 1024 * 1024)", "x = bytearray(40 * 1024 * 1024)\nprint(len(x))", "", 0},
		{"sys.modules edit", reachSys + "sys.modules['math'] = None\nsys.modules['leak'] = sys", reachSys + "import math\nprint(math.pi, 'leak' in sys.modules)", "", 0},
		{"builtins edit", reachSys + "b['len'] = lambda x: 0\nb['leak'] = 1", "print(len('abc'))\ntry:\n    leak\nexcept NameError:\n    print('no leak')", "", 0},
		{"sys settings", reachSys + "sys.setrecursionlimit(50)\nsys.stdout.reconfigure(line_buffering=False)", "def f(n): return 0 if n == 0 else 1 + f(n - 1)\nprint(f(500))", "", 0},
		{"open file left behind", reachSys + "f = b['open']('/py/lib/python313.zip', 'rb')\nf.read(10)", "print('fresh')", "", 0},
		{"output over the limit", "while True:\n    print('x' * 99)", "print('fresh')", "", 0},
		{"timed out while sleeping", "x = 'secret'\nimport time\ntime.sleep(60)", "print('x' in dir())", "", 300 * time.Millisecond},
		{"timed out waiting for input", "x = 'secret'\ninput()", "print('x' in dir())", "", 300 * time.Millisecond},
		{"killed at its deadline", "x = 'secret'\nwhile True:\n    pass", "print('x' in dir())", "", 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := run(t, p, tt.probe, "", 0)
			setup := runStdin(t, p, tt.setup, tt.stdin, tt.timeout)
			after := run(t, p, tt.probe, "", 0)
			if after.Stdout != before.Stdout || after.Stderr != before.Stderr || after.Stdout == "" {
				t.Fatalf("the probe saw %q %q after the setup (%s %q), %q %q (%s) before",
					after.Stdout, after.Stderr, str(setup.ErrorType), setup.Stderr, before.Stdout, before.Stderr, str(before.Error))
			}
		})
	}
}

// runStdin runs with a closed stdin when stdin is empty, and otherwise with
// an input that stays open (so that input() waits).
func runStdin(t *testing.T, p *Pool, code, stdin string, timeout time.Duration) Result {
	t.Helper()
	if stdin != "" || timeout == 0 {
		return run(t, p, code, stdin, timeout)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	res, err := p.Run(t.Context(), Request{Code: code, Timeout: timeout, Stdin: r})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestConsecutiveRunsDrawDifferentNumbers(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1})
	seen := map[string]bool{}
	for range 5 {
		res := run(t, p, "import random\nprint(random.getrandbits(64), random.random())", "", 0)
		if seen[res.Stdout] {
			t.Fatalf("two runs drew %q", res.Stdout)
		}
		seen[res.Stdout] = true
	}
}

// TestStopWithoutRestart: a run stopped while it waits in a host call
// (sleep, input) is ended by rewinding its instance; only a run that
// computes costs its worker.
func TestStopWithoutRestart(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1})
	for _, tt := range []struct {
		name, code   string
		wantRestarts int64
	}{
		{"sleep", "import time\ntime.sleep(30)", 0},
		{"input", "input()", 0},
		{"printing loop", "while True:\n    print('x')", 0},
		{"computing loop", "while True:\n    pass", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := p.Stats().Restarts
			res := runStdin(t, p, tt.code, "", 300*time.Millisecond)
			if !res.TimedOut {
				t.Fatalf("got %s, want a timeout", str(res.ErrorType))
			}
			if got := p.Stats().Restarts - before; got != tt.wantRestarts {
				t.Fatalf("the timeout cost %d worker restarts, want %d", got, tt.wantRestarts)
			}
			if res := run(t, p, "print('next')", "", 0); res.Stdout != "next\n" {
				t.Fatalf("the next run got %+v", res)
			}
		})
	}
	t.Run("a time limit of a nanosecond", func(t *testing.T) {
		before := p.Stats().Restarts
		for range 20 {
			// A program this short may finish before its deadline is
			// noticed; either way the worker must stay.
			if res := run(t, p, "print('quick')", "", time.Nanosecond); !res.TimedOut && res.Stdout != "quick\n" {
				t.Fatalf("got %+v", res)
			}
		}
		if got := p.Stats().Restarts - before; got > 2 {
			t.Fatalf("20 runs with a 1 ns limit cost %d worker restarts", got)
		}
	})
	t.Run("cancelled while sleeping", func(t *testing.T) {
		before := p.Stats().Restarts
		ctx, cancel := context.WithCancel(t.Context())
		go func() { time.Sleep(200 * time.Millisecond); cancel() }()
		res, err := p.Run(ctx, Request{Code: "import time\ntime.sleep(30)", Timeout: 10 * time.Second})
		if err != nil || str(res.ErrorType) != ErrTypeCancelled {
			t.Fatalf("got %v %s", err, str(res.ErrorType))
		}
		if got := p.Stats().Restarts - before; got != 0 {
			t.Fatalf("cancelling a sleep cost %d restarts", got)
		}
	})
}

// TestSnapshotBatchRunsOut: with a batch of 3 snapshots the instance re-takes
// its checkpoint every third run; no run is lost or sees another's state.
func TestSnapshotBatchRunsOut(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1, snapshotBatch: 3})
	for i := range 20 {
		code := fmt.Sprintf("import math\nprint(hasattr(math, 'leak'), %d)\nmath.leak = 1", i)
		if res := run(t, p, code, "", 0); res.Stdout != fmt.Sprintf("False %d\n", i) {
			t.Fatalf("run %d got %+v", i, res)
		}
	}
	if r := p.Stats().Restarts; r != 0 {
		t.Fatalf("%d restarts", r)
	}
}

// TestRewoundMemoryHoldsNothingOfTheRun looks at the instance's memory after
// a run wrote a secret to it.
func TestRewoundMemoryHoldsNothingOfTheRun(t *testing.T) {
	for _, mode := range rewindModes(t) {
		t.Run(string(mode), func(t *testing.T) {
			in := testInstanceMode(t, mode)
			if in.mem.mode != mode {
				t.Fatalf("the instance rewinds with %q, want %q", in.mem.mode, mode)
			}
			rewoundMemoryHoldsNothing(t, in)
		})
	}
}

func rewoundMemoryHoldsNothing(t *testing.T, in *instance) {
	secret := "S3CR3T-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	for _, code := range []string{
		"s = " + strconv.Quote(secret) + " * 3\nbig = bytearray(s.encode() * 100000)\nprint(len(big))",
		"t = " + strconv.Quote(secret) + "\nprint(t)",
	} {
		r := in.begin(code, nil, DefaultOutputLimit, nil, nil)
		if end := <-r.done; end.kind != endExit || end.exit != 0 {
			t.Fatalf("run ended with %+v", end)
		}
		select {
		case <-in.idle:
		case <-in.exited:
			t.Fatalf("the instance exited instead of rewinding: %v", in.err)
		}
		if i := bytes.Index(in.mem.buf[:in.mem.size], []byte(secret)); i >= 0 {
			t.Fatalf("the secret is still in memory at %#x after the rewind", i)
		}
	}
}

// TestManyRunsOnOneWorker: 10,000 runs on one worker process, without a
// crash, a restart, or its resident memory growing more than 32 MiB past
// where it was after the first 200.
func TestManyRunsOnOneWorker(t *testing.T) {
	runs := 10000
	if testing.Short() {
		runs = 1000
	}
	p := newTestPool(t, Config{Workers: 1, Standby: -1})
	codes := []string{
		"print('hello')",
		"import json\nprint(json.dumps({'a': [1, 2, 3]}))",
		"d = {i: str(i) for i in range(2000)}\nprint(len(d))",
		"def f(n): return n if n < 2 else f(n - 1) + f(n - 2)\nprint(f(12))",
	}
	var baseline int
	for i := range runs {
		res := run(t, p, codes[i%len(codes)], "", 0)
		if !res.Success {
			t.Fatalf("run %d failed: %s %s", i, str(res.ErrorType), str(res.Error))
		}
		if i == 200 {
			baseline = workerRSS(t, p)
		}
	}
	if r := p.Stats().Restarts; r != 0 {
		t.Fatalf("%d restarts", r)
	}
	if grew := workerRSS(t, p) - baseline; grew > 32<<20 {
		t.Fatalf("the worker's resident memory grew by %d MiB over %d runs", grew>>20, runs)
	}
}

// workerRSS is the resident memory of the pool's only worker process.
func workerRSS(t *testing.T, p *Pool) int {
	t.Helper()
	p.mu.Lock()
	var pid int
	for w := range p.procs {
		pid = w.cmd.Process.Pid
	}
	p.mu.Unlock()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestDeepRecursionAsNative: what native CPython 3.13 runs with its default
// limits runs here too (the C stack is 8 MiB).
func TestDeepRecursionAsNative(t *testing.T) {
	p := sharedPool(t)
	code := "import functools\n@functools.lru_cache(None)\ndef f(n):\n    return n if n < 2 else f(n - 1) + f(n - 2)\nprint(f(500) % 1000)\n" +
		"def g(n): return 0 if n == 0 else 1 + g(n - 1)\nprint(g(990))\n" +
		"x = []\nfor _ in range(400):\n    x = [x]\nprint(len(repr(x)))\n" // repr recurses in C
	res := run(t, p, code, "", 0)
	if res.Stdout != "125\n990\n802\n" {
		t.Fatalf("got %q %s %s", res.Stdout, str(res.ErrorType), str(res.Error))
	}
}

// TestMemoryBombIsReturned: after a run that filled its memory cap, the
// worker's resident memory is back near its idle size within 10 s.
func TestMemoryBombIsReturned(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1})
	run(t, p, "print('warm')", "", 0)
	idle := workerRSS(t, p)
	res := run(t, p, "chunks = []\nwhile True:\n    chunks.append(bytearray(8 * 1024 * 1024))", "", 0)
	if str(res.ErrorType) != ErrTypeMemory {
		t.Fatalf("got %s, want MemoryError", str(res.ErrorType))
	}
	deadline := time.Now().Add(10 * time.Second)
	for workerRSS(t, p) > idle+64<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("the worker holds %d MiB, %d MiB idle, 10 s after the run", workerRSS(t, p)>>20, idle>>20)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestIdleWorkerKilled: a worker that dies while idle (killed, out of
// memory) is noticed before a run is handed to it; the run succeeds.
func TestIdleWorkerKilled(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1})
	run(t, p, "print(1)", "", 0)
	p.mu.Lock()
	var victim *proc
	for w := range p.procs {
		victim = w
	}
	p.mu.Unlock()
	victim.cmd.Process.Kill()
	<-victim.exited
	if res := run(t, p, "print('after')", "", 0); res.Stdout != "after\n" {
		t.Fatalf("the run after an idle worker died: %s %s", str(res.ErrorType), str(res.Error))
	}
}

// TestMemoryCapHoldsOnEveryRun: the cap is the same on an instance's first
// run as on later ones (the slack kept for rewound growth is not a bonus).
func TestMemoryCapHoldsOnEveryRun(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1, MemoryLimit: 64 << 20})
	for i := range 3 {
		res := run(t, p, "x = bytearray(60 * 1024 * 1024)", "", 0)
		if str(res.ErrorType) != ErrTypeMemory {
			t.Fatalf("run %d: 60 MiB more under a 64 MiB cap: got %s, want MemoryError", i, str(res.ErrorType))
		}
	}
}
