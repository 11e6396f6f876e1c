package sandbox

import (
	"context"
	"testing"
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

func benchmarkRewoundRun(b *testing.B, in *instance) {
	for b.Loop() {
		r := in.begin("print('hello')", nil, DefaultOutputLimit, nil, nil)
		if end := <-r.done; end.kind != endExit || end.exit != 0 {
			b.Fatalf("run ended with %+v", end)
		}
		<-in.idle
	}
}
