package sandbox

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkNewInstance is the cost of a fresh instance up to its checkpoint:
// what a worker spends when it replaces one.
func BenchmarkNewInstance(b *testing.B) {
	ctx := context.Background()
	eng, err := newEngine(ctx, testCacheDir(), DefaultAllowedModules, DefaultMemoryLimit, "")
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
