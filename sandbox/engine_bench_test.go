package sandbox

import (
	"context"
	"testing"
)

// BenchmarkWarmInstance is the cost of one fresh instance up to the point
// where it waits for its program: what a worker spends after every run.
func BenchmarkWarmInstance(b *testing.B) {
	ctx := context.Background()
	eng, err := newEngine(ctx, testCacheDir(), DefaultAllowedModules, DefaultMemoryLimit)
	if err != nil {
		b.Fatal(err)
	}
	defer eng.close(ctx)
	for b.Loop() {
		in := eng.start(ctx, DefaultOutputLimit)
		<-in.warm
		in.stdin.abort()
		<-in.done
	}
}
