package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkNewInstance is the cost of a fresh instance up to its checkpoint:
// what a worker spends when it replaces one.
func BenchmarkNewInstance(b *testing.B) {
	ctx := context.Background()
	eng, err := newEngine(ctx, testCacheDir(), DefaultAllowedModules, DefaultMemoryLimit, "", "")
	if err != nil {
		b.Fatal(err)
	}
	defer eng.close(ctx)
	for b.Loop() {
		in, err := eng.newInstance(ctx)
		if err != nil {
			b.Fatal(err)
		}
		<-in.idle
		in.close()
		<-in.exited
	}
}

// BenchmarkRewoundRun is one run of print('hello') on an instance, from
// handing it the program to the instance waiting for the next one: the run
// and the rewind, without processes or HTTP.
func BenchmarkRewoundRun(b *testing.B) {
	for _, mode := range rewindModes(b) {
		b.Run(string(mode), func(b *testing.B) { benchmarkRewoundRun(b, testInstanceMode(b, mode)) })
	}
}

// BenchmarkRewoundRunBigImage is BenchmarkRewoundRun with the checkpoint
// image doubled (the guard holds 25 MiB more at the checkpoint: 20 → 40 MiB), to price
// what preloading more (the standard library, numpy) would cost a run.
func BenchmarkRewoundRunBigImage(b *testing.B) {
	for _, mode := range rewindModes(b) {
		b.Run(string(mode), func(b *testing.B) {
			old := testBallast
			testBallast = 25 << 20
			defer func() { testBallast = old }()
			benchmarkRewoundRun(b, testInstanceMode(b, mode))
		})
	}
}

func benchmarkRewoundRun(b *testing.B, in *instance) {
	before := Usage()
	for b.Loop() {
		r := in.begin("print('hello')", nil, DefaultOutputLimit, nil, nil)
		if end := <-r.done; end.kind != endExit || end.exit != 0 {
			b.Fatalf("run ended with %+v", end)
		}
		<-in.idle
	}
	reportUsage(b, Usage().Sub(before), b.N)
	b.ReportMetric(float64(in.ckpt.size)/(1<<20), "image-MiB")
}

// reportUsage reports page faults and CPU time per run.
func reportUsage(b *testing.B, u ProcessUsage, runs int) {
	b.ReportMetric(float64(u.MinorFaults)/float64(runs), "faults/run")
	b.ReportMetric(float64(u.System.Microseconds())/1000/float64(runs), "sys-ms/run")
	b.ReportMetric(float64((u.User+u.System).Microseconds())/1000/float64(runs), "cpu-ms/run")
}

// BenchmarkPoolRun is one run of print('hello') through a Pool: the worker
// process and its frames, without HTTP.
func BenchmarkPoolRun(b *testing.B) {
	p := newTestPool(b, Config{Workers: 1, Standby: -1})
	for b.Loop() {
		res, err := p.Run(b.Context(), Request{Code: "print('hello')", Timeout: 10 * time.Second})
		if err != nil || res.Stdout != "hello\n" {
			b.Fatalf("got %+v, %v", res, err)
		}
	}
}

// BenchmarkIdleWorkerRSS is the resident memory of an idle worker process
// after 200 runs, per rewind mode, with today's checkpoint image and with
// it doubled (the guard holds 25 MiB more at the checkpoint).
func BenchmarkIdleWorkerRSS(b *testing.B) {
	for _, img := range []struct {
		name    string
		ballast int
	}{{"image=20MiB", 0}, {"image=40MiB", 25 << 20}} {
		for _, mode := range rewindModes(b) {
			b.Run(img.name+"/"+string(mode), func(b *testing.B) {
				p := newTestPool(b, Config{Workers: 1, Standby: -1, Rewind: mode, ballast: img.ballast})
				for i := range 200 {
					code := []string{"print('hello')", "import json\nprint(json.dumps([1]))", "x = [i * i for i in range(10**5)]\nprint(len(x))"}[i%3]
					if _, err := p.Run(b.Context(), Request{Code: code, Timeout: 10 * time.Second}); err != nil {
						b.Fatal(err)
					}
				}
				for b.Loop() { // the measurement is the RSS after the runs above
				}
				b.ReportMetric(float64(p.workerRSS())/(1<<20), "worker-rss-MiB")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// workerRSS is the largest resident set of the pool's worker processes.
func (p *Pool) workerRSS() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	most := 0
	for w := range p.procs {
		status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", w.cmd.Process.Pid))
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
				most = max(most, kb<<10)
			}
		}
	}
	return most
}

// BenchmarkPackages prices an operator's packages (Debian's sympy, mpmath
// and networkx, as make test fetches them into build/test-packages),
// imported before the checkpoint (the default) or by each program after
// it: hello, a program that uses sympy, the checkpoint image, a new
// instance, and an idle worker's resident memory after the runs.
func BenchmarkPackages(b *testing.B) {
	dir := filepath.Join("..", "build", "test-packages")
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("%s is missing: scripts/fetch-packages.sh fills it", dir)
	}
	sympy := "import sympy\nx = sympy.Symbol('x')\nprint(sympy.factor(x**2 - 1))"
	for _, when := range []struct {
		name  string
		after bool
	}{{"before-checkpoint", false}, {"after-checkpoint", true}} {
		b.Run(when.name, func(b *testing.B) {
			p := newTestPool(b, Config{Workers: 1, Standby: -1, Packages: dir, packagesAfterCheckpoint: when.after})
			for _, prog := range []struct{ name, code string }{{"hello", "print('hello')"}, {"sympy", sympy}} {
				b.Run(prog.name, func(b *testing.B) {
					var samples []time.Duration
					for b.Loop() {
						start := time.Now()
						res, err := p.Run(b.Context(), Request{Code: prog.code, Timeout: 30 * time.Second})
						if err != nil || res.ExitCode != 0 {
							b.Fatalf("got %+v, %v", res, err)
						}
						samples = append(samples, time.Since(start))
					}
					slices.Sort(samples)
					b.ReportMetric(float64(samples[len(samples)/2].Microseconds())/1000, "p50-ms")
				})
			}
			b.Run("idle", func(b *testing.B) {
				for b.Loop() {
				}
				b.ReportMetric(float64(p.workerRSS())/(1<<20), "worker-rss-MiB")
				b.ReportMetric(0, "ns/op")
			})
			b.Run("instance", func(b *testing.B) {
				ctx := context.Background()
				eng, err := newEngine(ctx, testCacheDir(), p.AllowedModules(), DefaultMemoryLimit, "", dir)
				if err != nil {
					b.Fatal(err)
				}
				defer eng.close(ctx)
				if when.after {
					eng.notPreloaded = strings.Join(eng.packages, ",")
				}
				var size int
				for b.Loop() {
					in, err := eng.newInstance(ctx)
					if err != nil {
						b.Fatal(err)
					}
					<-in.idle
					size = in.ckpt.size
					in.close()
					<-in.exited
				}
				b.ReportMetric(float64(size)/(1<<20), "image-MiB")
			})
		})
	}
}
