package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/sandbox/sandboxtest"
)

func TestMain(m *testing.M) {
	if sandbox.IsWorker() {
		os.Exit(sandbox.ServeWorker(os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

func testCacheDir() string { return sandboxtest.CacheDir() }

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

var (
	poolOnce sync.Once
	pool     *sandbox.Pool
)

// sharedPool is the real sandbox, shared by the tests of this package.
func sharedPool(t testing.TB) *sandbox.Pool {
	poolOnce.Do(func() {
		p, err := sandbox.NewPool(sandbox.Config{Workers: 2, CacheDir: testCacheDir()}, discardLog())
		if err != nil {
			t.Fatal(err)
		}
		pool = p
	})
	return pool
}

func newPool(t testing.TB, cfg sandbox.Config) *sandbox.Pool {
	cfg.CacheDir = testCacheDir()
	p, err := sandbox.NewPool(cfg, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(t.Context()) })
	return p
}

func sandboxConfig(workers, queue int) sandbox.Config {
	return sandbox.Config{Workers: workers, QueueSize: queue}
}

func fstestUI() fstest.MapFS {
	return fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><title>Code Remote</title>")},
		"assets/app-1234.js": {Data: []byte("console.log(1)")},
	}
}

// jsonRequest is a request with a JSON body, as API clients send it.
func jsonRequest(method, path, body string) *http.Request {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}
