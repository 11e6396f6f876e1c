// Command stdlibtests runs CPython's own regression tests (Lib/test of the
// source the runtime is built from) for every module of the sandbox's
// standard profile, inside the sandbox and with the native build of the
// same source, and writes the counts side by side: tests run, passed,
// failed (failures and errors), skipped, and the last line of each
// failure, classified (classify) so that docs/sandbox.md can explain each
// class.
//
// In the sandbox each test module runs as a user program would run it:
// a program (runner below) that imports unittest and loads test.<name>;
// the test package is served read-only beside the standard library
// (sandbox.Config.Library). The sandbox keeps its defaults (256 MiB of
// memory, the standard profile, the guard) but for the time limit.
//
// Usage (make stdlib-tests):
//
//	go run ./sandbox/internal/cmd/stdlibtests -src /var/tmp/coderemote-cpython/src \
//	    -native /var/tmp/coderemote-cpython/native/python -json build/stdlib-tests.json > table.md
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/sandbox/internal/nativerun"
)

// runner loads and runs one test module (its name on stdin) with unittest,
// and writes a report line after a marker.
const runner = `import collections, io, json, sys, unittest
name = sys.stdin.readline().strip()
try:
    suite = unittest.defaultTestLoader.loadTestsFromName("test." + name)
except unittest.SkipTest as e:  # the whole module skips itself (what it needs is missing)
    reason = str(e)

    class ModuleSkipped(unittest.TestCase):
        def test_module(self):
            self.skipTest(reason)

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(ModuleSkipped)
result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)

import re
EXC = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Failure|Exit|Warning|Interrupt)\b")

def last(tb):
    lines = [l for l in tb.strip().splitlines() if EXC.match(l)]
    return lines[-1][:240] if lines else tb.strip().splitlines()[-1][:240]

report = {
    "run": result.testsRun,
    "failures": [[t.id(), last(tb)] for t, tb in result.failures + result.errors],
    "skipped": len(result.skipped),
    "skip_reasons": collections.Counter(r[:120] for _, r in result.skipped).most_common(4),
    "expected_failures": len(result.expectedFailures),
    "unexpected_successes": len(result.unexpectedSuccesses),
}
sys.__stdout__.write("\n@@REPORT@@" + json.dumps(report) + "\n")
sys.__stdout__.flush()
`

// targets are the test modules of a standard-profile module whose tests
// are not (only) test_<module>.
var targets = map[string][]string{
	"collections": {"test_collections", "test_deque", "test_defaultdict", "test_ordered_dict"},
	"contextvars": {"test_context"},
	"numbers":     {"test_abstract_numbers"},
	"xml":         {"test_xml_etree", "test_xml_etree_c", "test_minidom", "test_sax", "test_pulldom"},
	"html":        {"test_html", "test_htmlparser"},
	"io":          {"test_io", "test_memoryio"},
	"token":       {}, // covered by test_tokenize
}

type report struct {
	Run                 int         `json:"run"`
	Failures            [][2]string `json:"failures"`
	Skipped             int         `json:"skipped"`
	SkipReasons         [][]any     `json:"skip_reasons"`
	ExpectedFailures    int         `json:"expected_failures"`
	UnexpectedSuccesses int         `json:"unexpected_successes"`
	// Problem is set when the module did not report: timed out, crashed.
	Problem string  `json:"problem,omitempty"`
	Seconds float64 `json:"seconds"`
}

func (r report) passed() int {
	return r.Run - len(r.Failures) - r.Skipped - r.UnexpectedSuccesses
}

type row struct {
	Module  string  `json:"module"`
	Test    string  `json:"test"`
	Sandbox *report `json:"sandbox"`
	Native  *report `json:"native"`
}

func main() {
	if sandbox.IsWorker() {
		os.Exit(sandbox.ServeWorker(os.Stdin, os.Stdout))
	}
	src := flag.String("src", "/var/tmp/coderemote-cpython/src", "CPython source tree (its Lib/test)")
	native := flag.String("native", "/var/tmp/coderemote-cpython/native/python", "native build of the same source")
	jsonOut := flag.String("json", "build/stdlib-tests.json", "where to write every result")
	timeout := flag.Duration("timeout", 15*time.Minute, "time limit of one test module")
	workers := flag.Int("workers", 2, "test modules run at once in the sandbox")
	only := flag.String("only", "", "comma-separated test modules to run (default: all)")
	cache := flag.String("cache-dir", "", "the sandbox's compile cache")
	flag.Parse()

	libTest := filepath.Join(*src, "Lib", "test")
	var rows []*row
	for _, m := range sandbox.StandardModules {
		names, ok := targets[m]
		if !ok {
			for _, c := range []string{"test_" + m, "test_" + strings.ToLower(m)} {
				if exists(filepath.Join(libTest, c+".py")) || exists(filepath.Join(libTest, c)) {
					names = []string{c}
					break
				}
			}
		}
		for _, n := range names {
			if *only == "" || slices.Contains(strings.Split(*only, ","), n) {
				rows = append(rows, &row{Module: m, Test: n})
			}
		}
	}

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	pool, err := sandbox.NewPool(sandbox.Config{Workers: *workers, Standby: -1, QueueSize: 1000, MaxQueueWait: 24 * time.Hour,
		OutputLimit: 64 << 20, CacheDir: *cache, Library: libTest}, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for _, r := range rows {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Sandbox = inSandbox(ctx, pool, r.Test, *timeout)
			fmt.Fprintf(os.Stderr, "sandbox %-22s %s\n", r.Test, r.Sandbox.summary())
		}()
	}
	// Natively one module at a time, beside the sandbox's.
	for _, r := range rows {
		r.Native = natively(ctx, *native, r.Test, *timeout)
		fmt.Fprintf(os.Stderr, "native  %-22s %s\n", r.Test, r.Native.summary())
	}
	wg.Wait()
	pool.Close(ctx)

	b, _ := json.MarshalIndent(rows, "", " ")
	if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	writeTable(os.Stdout, rows)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func inSandbox(ctx context.Context, pool *sandbox.Pool, name string, timeout time.Duration) *report {
	start := time.Now()
	res, err := pool.Run(ctx, sandbox.Request{Code: runner, Input: []byte(name + "\n"), Timeout: timeout})
	r := parse(res.Stdout)
	r.Seconds = time.Since(start).Seconds()
	switch {
	case err != nil:
		r.Problem = err.Error()
	case r.Problem != "" && res.ErrorType != nil:
		r.Problem = *res.ErrorType + ": " + lastLine(res.Stderr)
	case r.Problem != "":
		r.Problem = fmt.Sprintf("exit %d: %s", res.ExitCode, lastLine(res.Stderr))
	}
	return r
}

func natively(ctx context.Context, python, name string, timeout time.Duration) *report {
	start := time.Now()
	res, err := nativerun.Run(ctx, python, []string{"-c", runner}, nil, name+"\n", timeout)
	r := parse(res.Stdout)
	r.Seconds = time.Since(start).Seconds()
	switch {
	case err != nil:
		r.Problem = err.Error()
	case res.TimedOut:
		r.Problem = "timed out"
	case r.Problem != "":
		r.Problem = fmt.Sprintf("exit %d: %s", res.ExitCode, lastLine(res.Stderr))
	}
	return r
}

func parse(stdout string) *report {
	i := strings.LastIndex(stdout, "@@REPORT@@")
	if i < 0 {
		return &report{Problem: "no report"}
	}
	var r report
	line, _, _ := strings.Cut(stdout[i+len("@@REPORT@@"):], "\n")
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		return &report{Problem: "bad report: " + err.Error()}
	}
	return &r
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := lines[len(lines)-1]
	if len(l) > 200 {
		l = l[:200]
	}
	return l
}

func (r *report) summary() string {
	if r.Problem != "" && r.Run == 0 {
		return "PROBLEM " + r.Problem
	}
	return fmt.Sprintf("run %d passed %d failed %d skipped %d (%.0f s)", r.Run, r.passed(), len(r.Failures), r.Skipped, r.Seconds)
}

// classes name why a test fails in the sandbox, from the last line of its
// traceback; the first that matches wins.
var classes = []struct {
	name string
	re   *regexp.Regexp
}{
	{"the test module could not be imported", regexp.MustCompile(`^(ImportError|ModuleNotFoundError)`)},
	{"threads: WASI has none", regexp.MustCompile(`(?i)thread`)},
	{"processes: WASI has none", regexp.MustCompile(`(?i)subprocess|fork|spawn|executable|sys\.executable`)},
	{"files: the sandbox's only files are the read-only library", regexp.MustCompile(`Errno (2|8|20|21|28|44|54|63|69|76)\b|Read-only file system|No such file|Permission denied|Bad file descriptor|Not a directory|Is a directory`)},
	{"an operation WASI does not support", regexp.MustCompile(`Errno (52|58)\b|Not supported|not supported|Function not implemented|not implemented`)},
	{"sockets and signals: WASI has none", regexp.MustCompile(`(?i)socket|signal|SIG[A-Z]+`)},
	{"the memory cap (256 MiB)", regexp.MustCompile(`MemoryError`)},
	{"the C stack (8 MiB) and the recursion limit", regexp.MustCompile(`RecursionError|stack overflow|maximum recursion`)},
	{"the guard", regexp.MustCompile(`is not allowed|is refused here`)},
	{"a native-only value (paths, platform, sizes)", regexp.MustCompile(`AssertionError`)},
}

func classify(line string) string {
	for _, c := range classes {
		if c.re.MatchString(line) {
			return c.name
		}
	}
	return "other"
}

func writeTable(w *os.File, rows []*row) {
	fmt.Fprintln(w, "| module | test | sandbox: run / passed / failed / skipped | native: run / passed / failed / skipped |")
	fmt.Fprintln(w, "|---|---|---|---|")
	var tot [2][4]int
	for _, r := range rows {
		cells := [2]string{}
		for i, rep := range []*report{r.Sandbox, r.Native} {
			if rep.Problem != "" && rep.Run == 0 {
				cells[i] = "— (" + strings.ReplaceAll(rep.Problem, "|", "/") + ")"
				continue
			}
			cells[i] = fmt.Sprintf("%d / %d / %d / %d", rep.Run, rep.passed(), len(rep.Failures), rep.Skipped)
			for j, n := range []int{rep.Run, rep.passed(), len(rep.Failures), rep.Skipped} {
				tot[i][j] += n
			}
		}
		fmt.Fprintf(w, "| `%s` | `%s` | %s | %s |\n", r.Module, r.Test, cells[0], cells[1])
	}
	fmt.Fprintf(w, "| **all** | | **%d / %d / %d / %d** | **%d / %d / %d / %d** |\n\n",
		tot[0][0], tot[0][1], tot[0][2], tot[0][3], tot[1][0], tot[1][1], tot[1][2], tot[1][3])

	// The sandbox's failures that native does not have, by class.
	byClass := map[string][]string{}
	for _, r := range rows {
		nativeFailed := map[string]bool{}
		for _, f := range r.Native.Failures {
			nativeFailed[f[0]] = true
		}
		for _, f := range r.Sandbox.Failures {
			if !nativeFailed[f[0]] {
				c := classify(f[1])
				byClass[c] = append(byClass[c], r.Test+": "+f[1])
			}
		}
	}
	names := make([]string, 0, len(byClass))
	for c := range byClass {
		names = append(names, c)
	}
	sort.Slice(names, func(i, j int) bool { return len(byClass[names[i]]) > len(byClass[names[j]]) })
	fmt.Fprintln(w, "| failures in the sandbox only, by class | tests | e.g. |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, c := range names {
		ex := byClass[c][0]
		if len(ex) > 140 {
			ex = ex[:140] + "…"
		}
		fmt.Fprintf(w, "| %s | %d | `%s` |\n", c, len(byClass[c]), strings.ReplaceAll(strings.ReplaceAll(ex, "|", "/"), "`", "'"))
	}
}
