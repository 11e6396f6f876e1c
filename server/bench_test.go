package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/store"
)

// The benchmarks measure runs end to end through POST /execute on a real
// server, and the same programs under native CPython for comparison: the
// CPython 3.13 built from the same source as the sandbox's runtime (by
// sandbox/runtime/build/build.sh, in /var/tmp/coderemote-cpython/native, or
// CODEREMOTE_NATIVE_PYTHON313) and the system's python3. `make bench` prints
// them as a table (tools/benchtable).

var benchPrograms = []struct{ name, code string }{
	{"hello", "print('hello')"},
	{"import_json", "import json\nprint(json.dumps({'a': [1, 2, 3]}))"},
	// A module the classic profile never loaded: preloaded under the
	// standard profile (the checkpoint holds it), imported natively.
	{"import_unittest", "import unittest\nprint(unittest.TestCase('run').countTestCases())"},
	{"fib25", "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(25))"},
}

// cpuPrograms are timed inside the program: each prints its own time in ms.
var cpuPrograms = []struct{ name, code string }{
	{"fib25", "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nfib(25)"},
	{"gensum", "sum(i * i for i in range(10**6))"},
	{"dictstr", "words = ['w%d' % (i % 5000) for i in range(200000)]\ncounts = {}\nfor w in words:\n    counts[w] = counts.get(w, 0) + 1\ns = ','.join(sorted(counts, key=lambda k: (-counts[k], k)))\nlen(s.split(','))"},
	{"pystone", "class Rec:\n    __slots__ = ('a', 'b', 'c')\n    def __init__(self, a, b, c):\n        self.a, self.b, self.c = a, b, c\n    def step(self, i):\n        self.a = i\n        self.b = self.a + 1\n        self.c = [self.a, self.b]\n        return self.c[0] + len(self.c)\ndef proc(r, n):\n    total = 0\n    for i in range(n):\n        total += r.step(i)\n        if total & 1:\n            total -= 1\n        elif i % 7 == 3:\n            total ^= 5\n    return total\nproc(Rec(0, 0, []), 300000)"},
}

func timedInside(code string) string {
	return "import time\n_t = time.perf_counter()\n" + code + "\nprint((time.perf_counter() - _t) * 1000)\n"
}

func benchServer(b *testing.B) (*httptest.Server, *sandbox.Pool) {
	return benchServerWith(b, nil, nil)
}

// benchServerWith is benchServer with a store (each run writes its audit
// record, as a deployed server does) and an allowlist (nil: the default).
func benchServerWith(b *testing.B, db *store.DB, modules []string) (*httptest.Server, *sandbox.Pool) {
	// The default: 2 workers and 1 standby; no budget (the timeouts below
	// would use up a client's minute).
	p := newPool(b, sandbox.Config{ClientBudget: 24 * time.Hour, AllowedModules: modules})
	deps := Deps{Runner: p}
	if db != nil {
		deps.Store = db
	}
	srv := httptest.NewServer(New(Config{ExecuteRate: 1 << 30, ExecuteBurst: 1 << 30}, discardLog(), deps))
	b.Cleanup(srv.Close)
	for p.Stats().Ready < p.Stats().Workers+1 { // wait for warm workers
		time.Sleep(20 * time.Millisecond)
	}
	post(b, srv.URL, "print(1)", 10) // and warm the path
	return srv, p
}

func post(b *testing.B, url, code string, timeout float64) ExecutionResult {
	body, _ := json.Marshal(map[string]any{"code": code, "timeout_seconds": timeout})
	res, err := http.Post(url+"/execute", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var r ExecutionResult
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil || res.StatusCode != 200 {
		b.Fatalf("status %d: %v", res.StatusCode, err)
	}
	return r
}

// reportLatency records p50 and p95 of the samples as benchmark metrics.
func reportLatency(b *testing.B, samples []time.Duration) {
	slices.Sort(samples)
	pct := func(p float64) float64 {
		return float64(samples[int(p*float64(len(samples)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(0, "ns/op") // the percentiles say it better
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

func BenchmarkExecute(b *testing.B) {
	srv, _ := benchServer(b)
	for _, prog := range benchPrograms {
		b.Run(prog.name, func(b *testing.B) {
			samples := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if r := post(b, srv.URL, prog.code, 10); !r.Success {
					b.Fatalf("run failed: %+v", r)
				}
				samples = append(samples, time.Since(start))
				time.Sleep(5 * time.Millisecond) // a client's think time
			}
			reportLatency(b, samples)
		})
	}
}

// BenchmarkExecuteAudited is print('hello') through POST /execute on a
// server with the default store (SQLite, synchronous=FULL): the audit
// record's cost on a run's latency.
func BenchmarkExecuteAudited(b *testing.B) {
	db, err := store.Open(b.Context(), "", b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	srv, _ := benchServerWith(b, db, nil)
	samples := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if r := post(b, srv.URL, "print('hello')", 10); !r.Success {
			b.Fatalf("run failed: %+v", r)
		}
		samples = append(samples, time.Since(start))
		time.Sleep(5 * time.Millisecond)
	}
	reportLatency(b, samples)
}

// BenchmarkNative starts `python -S -c CODE` as a subprocess per run.
func BenchmarkNative(b *testing.B) {
	for _, py := range natives(b) {
		for _, prog := range benchPrograms {
			b.Run(py.name+"/"+prog.name, func(b *testing.B) {
				samples := make([]time.Duration, 0, b.N)
				for b.Loop() {
					start := time.Now()
					if out, err := exec.Command(py.path, "-S", "-c", prog.code).CombinedOutput(); err != nil {
						b.Fatalf("%v: %s", err, out)
					}
					samples = append(samples, time.Since(start))
				}
				reportLatency(b, samples)
			})
		}
	}
}

// BenchmarkInProgram is CPU-bound code timed inside the program, in the
// sandbox (through POST /execute) and natively: the interpreter's speed,
// without start-up.
func BenchmarkInProgram(b *testing.B) {
	srv, _ := benchServer(b)
	for _, prog := range cpuPrograms {
		code := timedInside(prog.code)
		b.Run("sandbox/"+prog.name, func(b *testing.B) {
			var ms []float64
			for b.Loop() {
				r := post(b, srv.URL, code, 30)
				v, err := strconv.ParseFloat(strings.TrimSpace(r.Stdout), 64)
				if !r.Success || err != nil {
					b.Fatalf("run failed: %+v", r)
				}
				ms = append(ms, v)
			}
			b.ReportMetric(median(ms), "inprog-ms")
			b.ReportMetric(0, "ns/op")
		})
		for _, py := range natives(b) {
			b.Run(py.name+"/"+prog.name, func(b *testing.B) {
				var ms []float64
				for b.Loop() {
					out, err := exec.Command(py.path, "-S", "-c", code).Output()
					if err != nil {
						b.Fatal(err)
					}
					v, _ := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
					ms = append(ms, v)
				}
				b.ReportMetric(median(ms), "inprog-ms")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// BenchmarkThroughput is runs per second of print('hello') with 1 and 8
// clients posting back to back, and the CPU time each run cost this process
// (the server and the benchmark's own HTTP clients) plus its workers.
func BenchmarkThroughput(b *testing.B) {
	srv, _ := benchServer(b)
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			work := make(chan struct{})
			var wg sync.WaitGroup
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range work {
						post(b, srv.URL, "print('hello')", 10)
					}
				}()
			}
			use0, start := treeUsage(b), time.Now()
			for b.Loop() {
				work <- struct{}{}
			}
			close(work)
			wg.Wait()
			elapsed, use := time.Since(start), treeUsage(b).sub(use0)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "runs/s")
			b.ReportMetric(float64(use.cpu.Microseconds())/1000/float64(b.N), "cpu-ms/run")
			b.ReportMetric(float64(use.sys.Microseconds())/1000/float64(b.N), "sys-ms/run")
			b.ReportMetric(float64(use.faults)/float64(b.N), "faults/run")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkTimeout is a run stopped at a 300 ms deadline: while sleeping
// (the instance is rewound, the worker stays) and while computing (the
// worker is killed and replaced). It reports the CPU time and worker
// restarts each cost, and the latency of a print('hello') sent the moment
// the timed-out result arrives, while the replacement starts.
func BenchmarkTimeout(b *testing.B) {
	srv, p := benchServer(b)
	for _, prog := range []struct{ name, code string }{
		{"sleep", "import time\ntime.sleep(60)"},
		{"loop", "while True: pass"},
	} {
		b.Run(prog.name, func(b *testing.B) {
			var after []time.Duration
			restarts0 := p.Stats().Restarts
			var cpu time.Duration
			for b.Loop() {
				for p.Stats().Ready < p.Stats().Workers+1 { // the standby is back
					time.Sleep(10 * time.Millisecond)
				}
				cpu0 := treeCPU(b)
				if r := post(b, srv.URL, prog.code, 0.3); !r.TimedOut {
					b.Fatalf("did not time out: %+v", r)
				}
				start := time.Now()
				post(b, srv.URL, "print('hello')", 10)
				after = append(after, time.Since(start))
				for p.Stats().Ready < p.Stats().Workers+1 {
					time.Sleep(10 * time.Millisecond)
				}
				cpu += treeCPU(b) - cpu0
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(p.Stats().Restarts-restarts0)/float64(b.N), "restarts/op")
			slices.Sort(after)
			b.ReportMetric(float64(after[len(after)/2].Microseconds())/1000, "hello-after-p50-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkDeadlineOverrun is how long past a 1 s deadline a busy program
// is stopped and its result returned.
func BenchmarkDeadlineOverrun(b *testing.B) {
	srv, _ := benchServer(b)
	for _, prog := range []struct{ name, code string }{
		{"python_loop", "while True: pass"},
		{"long_c_call", "x = 10**10**8"},
		{"sleep", "import time\ntime.sleep(60)"},
	} {
		b.Run(prog.name, func(b *testing.B) {
			samples := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if r := post(b, srv.URL, prog.code, 1); !r.TimedOut {
					b.Fatalf("did not time out: %+v", r)
				}
				samples = append(samples, time.Since(start)-time.Second)
			}
			reportLatency(b, samples)
		})
	}
}

// BenchmarkWorkerMemory is the resident memory of each idle worker process
// after 200 runs, and of the server process itself.
// BenchmarkProfiles is what the allowlist's profile costs: hello's latency,
// and a worker's resident memory after 200 mixed runs, with the classic 27
// modules preloaded at the checkpoint and with the standard profile's 89.
func BenchmarkProfiles(b *testing.B) {
	for _, prof := range []struct {
		name    string
		modules []string
	}{{"classic", sandbox.ClassicModules}, {"standard", sandbox.StandardModules}} {
		b.Run(prof.name, func(b *testing.B) {
			srv, _ := benchServerWith(b, nil, prof.modules)
			samples := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				post(b, srv.URL, "print('hello')", 10)
				samples = append(samples, time.Since(start))
				time.Sleep(5 * time.Millisecond)
			}
			for i := range 200 {
				post(b, srv.URL, []string{"print('hello')", "import json\nprint(json.dumps([1]))", "x = [i * i for i in range(10**5)]\nprint(len(x))"}[i%3], 10)
			}
			time.Sleep(200 * time.Millisecond)
			var worst int
			for _, pid := range children() {
				worst = max(worst, rss(pid))
			}
			reportLatency(b, samples)
			b.ReportMetric(float64(worst)/(1<<20), "worker-rss-MiB")
		})
	}
}

func BenchmarkWorkerMemory(b *testing.B) {
	srv, _ := benchServer(b)
	for b.Loop() {
		for i := range 200 {
			post(b, srv.URL, benchPrograms[i%len(benchPrograms)].code, 10)
		}
	}
	time.Sleep(200 * time.Millisecond)
	var worst int
	for _, pid := range children() {
		worst = max(worst, rss(pid))
	}
	b.ReportMetric(float64(worst)/(1<<20), "worker-rss-MiB")
	b.ReportMetric(float64(rss(os.Getpid()))/(1<<20), "server-rss-MiB")
	b.ReportMetric(0, "ns/op")
}

type python struct{ name, path string }

// natives are the native interpreters to compare with: CPython 3.13 built
// from the runtime's source, and the system's python3 (its real executable,
// not a shim script such as pyenv's, whose start-up would count).
func natives(b *testing.B) []python {
	var out []python
	p313 := os.Getenv("CODEREMOTE_NATIVE_PYTHON313")
	if p313 == "" {
		p313 = "/var/tmp/coderemote-cpython/native/python"
	}
	if _, err := os.Stat(p313); err == nil {
		out = append(out, python{"native313", p313})
	}
	if path, err := exec.LookPath("python3"); err == nil {
		real, err := exec.Command(path, "-c", "import sys; print(sys.executable)").Output()
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, python{"system", strings.TrimSpace(string(real))})
	}
	return out
}

// treeCPU is the user+system CPU time of this process, its live children
// (the workers) and the children it has reaped (workers it replaced).
func treeCPU(b *testing.B) time.Duration { return treeUsage(b).cpu }

// usage is CPU time (all of it, and the system part) and minor page faults.
type usage struct {
	cpu, sys time.Duration
	faults   int64
}

func (u usage) sub(v usage) usage { return usage{u.cpu - v.cpu, u.sys - v.sys, u.faults - v.faults} }

// treeUsage is the usage of this process, its live children and the
// children it has reaped.
func treeUsage(b *testing.B) usage {
	u := procUsage(os.Getpid())
	for _, pid := range children() {
		c := procUsage(pid)
		u.cpu, u.sys, u.faults = u.cpu+c.cpu, u.sys+c.sys, u.faults+c.faults
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		b.Fatal(err)
	}
	u.cpu += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	u.sys += time.Duration(ru.Stime.Nano())
	u.faults += ru.Minflt
	return u
}

func procUsage(pid int) usage {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return usage{}
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	minflt, _ := strconv.ParseInt(fields[7], 10, 64)
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return usage{cpu: time.Duration(utime+stime) * tick, sys: time.Duration(stime) * tick, faults: minflt}
}

// children lists this process's child processes.
func children() []int {
	me := strconv.Itoa(os.Getpid())
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var pids []int
	for _, d := range dirs {
		stat, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
		if len(fields) > 1 && fields[1] == me {
			pid, _ := strconv.Atoi(strings.Split(d, "/")[2])
			pids = append(pids, pid)
		}
	}
	return pids
}

func rss(pid int) int {
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb << 10
		}
	}
	return 0
}
