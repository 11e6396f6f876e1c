package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coderemote/coderemote/sandbox"
)

// The benchmarks measure runs end to end through POST /execute on a real
// server, and the same programs under native CPython for comparison.
// `make bench` prints them as a table (tools/benchtable).

var benchPrograms = []struct{ name, code string }{
	{"hello", "print('hello')"},
	{"import_json", "import json\nprint(json.dumps({'a': [1, 2, 3]}))"},
	{"fib25", "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(25))"},
}

func benchServer(b *testing.B) *httptest.Server {
	p := newPool(b, sandbox.Config{}) // the default: one worker per core
	srv := httptest.NewServer(New(Config{ExecuteRate: 1 << 30, ExecuteBurst: 1 << 30}, discardLog(), Deps{Runner: p}))
	b.Cleanup(srv.Close)
	for p.Stats().Ready < p.Stats().Workers { // wait for warm workers
		time.Sleep(20 * time.Millisecond)
	}
	post(b, srv.URL, "print(1)", 10) // and warm the path
	return srv
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

func BenchmarkExecute(b *testing.B) {
	srv := benchServer(b)
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

func BenchmarkNative(b *testing.B) {
	python := nativePython(b)
	for _, prog := range benchPrograms {
		b.Run(prog.name, func(b *testing.B) {
			samples := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if out, err := exec.Command(python, "-S", "-c", prog.code).CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				samples = append(samples, time.Since(start))
			}
			reportLatency(b, samples)
		})
	}
}

// BenchmarkThroughput is runs per second of print('hello') with 1 and 8
// clients posting back to back.
func BenchmarkThroughput(b *testing.B) {
	srv := benchServer(b)
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
			start := time.Now()
			for b.Loop() {
				work <- struct{}{}
			}
			close(work)
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "runs/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkDeadlineOverrun is how long past a 1 s deadline a busy program
// is stopped and its result returned.
func BenchmarkDeadlineOverrun(b *testing.B) {
	srv := benchServer(b)
	for _, prog := range []struct{ name, code string }{
		{"python_loop", "while True: pass"},
		{"long_c_call", "x = 10**10**8"},
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

// nativePython finds the real python3 executable (not a shim script such as
// pyenv's, whose start-up would be counted against native CPython).
func nativePython(b *testing.B) string {
	path, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("no python3 on PATH")
	}
	out, err := exec.Command(path, "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		b.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
