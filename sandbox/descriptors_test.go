package sandbox

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// reachPosix extends reachSys with the posix module and the real open, as
// a program past the guard has them.
const reachPosix = reachSys + "posix = sys.modules['posix']\nopen_ = b['open']\n"

// descriptorAttacks are programs that change the instance's WASI
// descriptor table, as found by an attack on the checkpoint (issue 20).
// Each reaches posix and open through the guard bypass of reachSys; with a
// wider allowlist a program has them directly (see withOS below).
var descriptorAttacks = []struct{ name, code string }{
	{"close 0", "posix.close(0)"},
	{"close 1", "posix.close(1)"},
	{"close 2", "posix.close(2)"},
	{"close 3", "posix.close(3)"},
	{"close 4", "posix.close(4)"},
	{"close 0 to 4", "for fd in range(5):\n    posix.close(fd)"},
	{"close 0 to 4 twice", "for fd in list(range(5)) * 2:\n    try:\n        posix.close(fd)\n    except OSError:\n        pass"},
	{"read all of stdin through a file object", "open_(0).read()"},
	{"fast output through a file object on 1", "out = open_(1, 'w')\nout.write('from the attacker\\n')"},
	{"fast output closed explicitly", "out = open_(1, 'w')\nout.write('from the attacker\\n')\nout.close()"},
	{"close 1 and 3, reopen the report to balance the count", "posix.close(1)\nposix.close(3)\nfd = posix.open('/cr/result', posix.O_WRONLY)\nposix.write(fd, b'{}')"},
	{"close the report's directory and reopen it", "posix.close(4)\nfd = posix.open('/cr', posix.O_RDONLY)"},
	{"keep the stdlib open", "fds = [posix.open('/py/lib/python313.zip', posix.O_RDONLY) for _ in range(20)]"},
	{"keep a report file open", "fd = posix.open('/cr/result', posix.O_WRONLY)"},
	{"renumber onto stdout", "fd = posix.open('/py/lib/python313.zip', posix.O_RDONLY)\ntry:\n    posix.dup2(fd, 1)\nexcept (OSError, AttributeError):\n    pass"},
	{"make stdin non-blocking", "try:\n    posix.set_blocking(0, False)\nexcept (OSError, AttributeError):\n    pass"},
	{"close stdout, then exit with an error", "posix.close(1)\nposix.close(2)\nraise SystemExit(3)"},
}

// TestDescriptorAttacksLeaveNextRunsUntouched: after each attack, the next
// runs on the same worker print their own output, succeed, and see nothing
// of the attacker's; the instance was rewound, not replaced.
func TestDescriptorAttacksLeaveNextRunsUntouched(t *testing.T) {
	for _, mode := range rewindModes(t) {
		t.Run(string(mode), func(t *testing.T) {
			p := newTestPool(t, Config{Workers: 1, Standby: -1, Rewind: mode})
			for _, a := range descriptorAttacks {
				t.Run(a.name, func(t *testing.T) {
					run(t, p, reachPosix+a.code, "attacker's input\n", 0)
					expectCleanRuns(t, p, 12)
				})
			}
		})
	}
}

// TestDescriptorAttacksWithOSAllowed: the same routes, taken through the
// os and io modules when an operator allows them.
func TestDescriptorAttacksWithOSAllowed(t *testing.T) {
	allowed := append(append([]string(nil), DefaultAllowedModules...), "os", "io")
	p := newTestPool(t, Config{Workers: 1, Standby: -1, AllowedModules: allowed})
	for _, code := range []string{
		"import os\nos.close(0)",
		"import os\nfor fd in range(5):\n    os.close(fd)",
		"import io\nio.open(0).read()",
		"import io\nout = io.open(1, 'w')\nout.write('fast\\n')",
		"import os\nos.close(1)\nos.close(3)\nfd = os.open('/cr/result', os.O_WRONLY)",
	} {
		t.Run(code, func(t *testing.T) {
			res := run(t, p, code, "attacker's input\n", 0)
			if res.ErrorType != nil && *res.ErrorType == "SecurityError" {
				t.Fatalf("the guard refused the program: %+v", res.SecurityViolations)
			}
			expectCleanRuns(t, p, 12)
		})
	}
}

func expectCleanRuns(t *testing.T, p *Pool, n int) {
	t.Helper()
	restarts := p.Stats().Restarts
	for i := range n {
		res := run(t, p, "import json\nprint(6*7)\nprint(json.dumps([input()]))", "victim\n", 0)
		if !res.Success || res.Stdout != "42\n[\"victim\"]\n" || res.Stderr != "" || res.ExitCode != 0 {
			t.Fatalf("run %d after the attack: success %v exit %d stdout %q stderr %q error %s",
				i, res.Success, res.ExitCode, res.Stdout, res.Stderr, str(res.Error))
		}
	}
	if r := p.Stats().Restarts; r != restarts {
		t.Fatalf("the worker was replaced %d times", r-restarts)
	}
}

// TestClosedDescriptorBehavesAsClosed: within the run that closed it, a
// reserved descriptor acts closed, as natively.
func TestClosedDescriptorBehavesAsClosed(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1})
	res := run(t, p, reachPosix+"posix.close(0)\ntry:\n    posix.read(0, 10)\nexcept OSError as e:\n    print('read', e.errno == 8)\ntry:\n    posix.close(0)\nexcept OSError as e:\n    print('close again', e.errno == 8)", "x\n", 0)
	if res.Stdout != "read True\nclose again True\n" {
		t.Fatalf("got %+v", res)
	}
}

// TestVictimAnswersDuringWedgingAttacks: three attacks that used to wedge
// their worker (closing standard input) sent at once with a victim's run:
// the victim gets its answer within the queue wait.
func TestVictimAnswersDuringWedgingAttacks(t *testing.T) {
	p := newTestPool(t, Config{Workers: 2, MaxQueueWait: 5 * time.Second})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Run(context.Background(), Request{Code: reachPosix + "posix.close(0)", Timeout: 5 * time.Second, Client: "attacker"})
		}()
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	res, err := p.Run(ctx, Request{Code: "print(6*7)", Timeout: 5 * time.Second, Client: "victim"})
	wg.Wait()
	if err != nil || res.Stdout != "42\n" {
		t.Fatalf("victim: %+v, %v", res, err)
	}
}

// TestGuardLeaksNothing: what the guard's own workings could show a
// program, it does not: its command line, its frames when the program
// breaks what it reports with.
func TestGuardLeaksNothing(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Standby: -1})
	res := run(t, p, reachSys+"print(sys.argv, sys.orig_argv)", "", 0)
	if res.Stdout != "['main.py'] ['python3', 'main.py']\n" {
		t.Fatalf("argv: %+v", res)
	}
	for _, code := range []string{
		reachPosix + "posix.close(4)\nraise ValueError('mine')",
		reachPosix + "posix.close(2)\nraise ValueError('mine')",
		reachSys + "sys.stderr = None\nraise ValueError('mine')",
		reachSys + "class W:\n    def write(self, s):\n        raise RuntimeError('no')\n    def flush(self):\n        raise RuntimeError('no')\nsys.stderr = sys.stdout = W()\nraise ValueError('mine')",
		reachSys + "sys.modules['posix'].open = None\nraise ValueError('mine')",
		"import json.nonexistent", // fails inside the guard's import hook
	} {
		res := run(t, p, code, "", 0)
		if res.Success || res.ExitCode != 1 {
			t.Fatalf("%q: got %+v", code, res)
		}
		for _, out := range []string{res.Stdout, res.Stderr, str(res.Traceback), str(res.Error)} {
			if strings.Contains(out, "guard") || strings.Contains(out, "_coderemote") || strings.Contains(out, "posix._exit") {
				t.Fatalf("%q: the guard shows through: %q", code, out)
			}
		}
		expectCleanRuns(t, p, 2)
	}
}
