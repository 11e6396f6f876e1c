package sandbox

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/coderemote/coderemote/sandbox/sandboxtest"
)

func TestMain(m *testing.M) {
	if IsWorker() {
		os.Exit(ServeWorker(os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

func testCacheDir() string { return sandboxtest.CacheDir() }

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newTestPool(t testing.TB, cfg Config) *Pool {
	t.Helper()
	cfg.CacheDir = testCacheDir()
	p, err := NewPool(cfg, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(t.Context()) })
	return p
}

// testInstance is an instance in this process, at its checkpoint, closed
// when the test ends.
func testInstance(t testing.TB) *instance {
	t.Helper()
	return testInstanceMode(t, RewindAuto)
}

// testInstanceMode is testInstance with the given rewind mode.
func testInstanceMode(t testing.TB, mode RewindMode) *instance {
	t.Helper()
	ctx := context.Background()
	eng, err := newEngine(ctx, testCacheDir(), DefaultAllowedModules, DefaultMemoryLimit, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if mode != RewindAuto {
		eng.rewind = mode
	}
	eng.ballast = testBallast
	in, err := eng.newInstance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.close()
		<-in.exited
		eng.close(ctx)
	})
	<-in.idle
	return in
}

// testBallast is the ballast of the engines testInstanceMode makes.
var testBallast = 0

// rewindModes are the modes this host supports; each test of the
// checkpoint runs in every one of them.
func rewindModes(t testing.TB) []RewindMode {
	var modes []RewindMode
	for _, m := range []RewindMode{RewindDirty, RewindCopy, RewindCoW} {
		if err := rewindModeWorks(m); err != nil {
			t.Logf("rewind mode %s is not available here: %v", m, err)
			continue
		}
		modes = append(modes, m)
	}
	return modes
}
