package sandbox

import (
	"context"
	"testing"
	"time"
)

// BenchmarkNewInstance is the cost of a fresh instance up to its checkpoint:
// what a worker spends when it replaces one.
func BenchmarkNewInstance(b *testing.B) {
	ctx := context.Background()
	eng, err := newEngine(ctx, testCacheDir(), DefaultAllowedModules, DefaultMemoryLimit)
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
