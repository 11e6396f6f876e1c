package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/sandbox/sandboxtest"
)

// The test binary doubles as the coderemote binary: with CR_TEST_MAIN set
// it runs the command line it was given.
func TestMain(m *testing.M) {
	if sandbox.IsWorker() {
		os.Exit(sandbox.ServeWorker(os.Stdin, os.Stdout))
	}
	if os.Getenv("CR_TEST_MAIN") == "1" {
		os.Exit(cli(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func testCache() string { return sandboxtest.CacheDir() }

func coderemote(t *testing.T, args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = []string{"CR_TEST_MAIN=1", "CR_CACHE_DIR=" + testCache(), "CR_DATA_DIR=" + t.TempDir(), "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"),
		"CR_JWT_SECRET=test-secret-test-secret-test-secret"}
	return cmd
}

func TestRunCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	tests := []struct {
		name       string
		args       []string
		wantExit   int
		wantStdout string
		wantStderr string
	}{
		{"prints and exits with its code", []string{write("a.py", "print('hi')\nexit(3)")}, 3, "hi\n", ""},
		{"reads --stdin", []string{write("b.py", "print(input().upper())"), "--stdin", write("in.txt", "abc\n")}, 0, "ABC\n", ""},
		{"timeout", []string{write("c.py", "while True: pass"), "--timeout", "500ms"}, 124, "", "TimeoutError: execution exceeded the time limit of 500ms"},
		{"policy violation", []string{write("d.py", "import os")}, 1, "", "d.py:1:1: Import of module 'os' is not allowed"},
		{"exception", []string{write("e.py", "1/0")}, 1, "", "ZeroDivisionError: division by zero"},
		{"missing file", []string{filepath.Join(dir, "nope.py")}, 2, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := coderemote(t, append([]string{"run"}, tt.args...)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != tt.wantExit || stdout.String() != tt.wantStdout || !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Fatalf("got exit %d stdout %q stderr %q\nwant exit %d stdout %q stderr containing %q",
					code, stdout.String(), stderr.String(), tt.wantExit, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

// startServe starts `coderemote serve` on a free port and returns its URL.
func startServe(t *testing.T, extraEnv ...string) (*exec.Cmd, string) {
	cmd := coderemote(t, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(cmd.Env, extraEnv...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`url=(http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return cmd, u
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	return nil, ""
}

func postExecute(url, code string, timeout float64) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"code": code, "timeout_seconds": timeout})
	res, err := http.Post(url+"/execute", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var m map[string]any
	return m, json.NewDecoder(res.Body).Decode(&m)
}

func TestSIGTERMFinishesOrCancelsRunningPrograms(t *testing.T) {
	cmd, url := startServe(t, "CR_SHUTDOWN_TIMEOUT=1500ms", "CR_WORKERS=2")
	waitWorkersReady(t, url, 2) // both runs must start before the signal
	type outcome struct {
		res map[string]any
		err error
	}
	short, long := make(chan outcome, 1), make(chan outcome, 1)
	go func() {
		r, err := postExecute(url, "import time\ntime.sleep(0.5)\nprint('finished')", 20)
		short <- outcome{r, err}
	}()
	go func() {
		r, err := postExecute(url, "print('spinning', flush=True)\nwhile True: pass", 20)
		long <- outcome{r, err}
	}()
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	s, l := <-short, <-long
	if s.err != nil || s.res["stdout"] != "finished\n" || s.res["success"] != true {
		t.Fatalf("the short run should finish: %v %v", s.res, s.err)
	}
	if l.err != nil || l.res["error_type"] != "Cancelled" || l.res["stdout"] != "spinning\n" {
		t.Fatalf("the long run should be cancelled with its output: %v %v", l.res, l.err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("server exited with %v", err)
	}
}

// waitWorkersReady polls /metrics until at least n sandbox workers are
// ready (the standby counts too).
func waitWorkersReady(t *testing.T, url string, n int) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^coderemote_sandbox_workers_ready (\d+)`)
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(url + "/metrics")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if m := re.FindSubmatch(b); m != nil {
			if ready, _ := strconv.Atoi(string(m[1])); ready >= n {
				return
			}
		}
	}
	t.Fatalf("%d workers never became ready", n)
}

func TestPrivateFilesAreTightened(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "coderemote.db")
	for _, f := range []string{db, db + "-wal"} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logged bytes.Buffer
	if err := securePrivateFiles(dir, true, slog.New(slog.NewTextHandler(&logged, nil))); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, db: 0o600, db + "-wal": 0o600} {
		info, err := os.Stat(path)
		if err != nil || info.Mode().Perm() != want {
			t.Fatalf("%s: mode %v (%v), want %v", path, info.Mode().Perm(), err, want)
		}
	}
	if !strings.Contains(logged.String(), "tightening") {
		t.Fatalf("no warning logged: %s", logged.String())
	}
	cache := filepath.Join(dir, "cache", "wazero")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cache, "module"), nil, 0o644)
	secureCache(filepath.Join(dir, "cache"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for path, want := range map[string]os.FileMode{cache: 0o700, filepath.Join(cache, "module"): 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
			t.Fatalf("%s: %v, want %v", path, info.Mode().Perm(), want)
		}
	}
	fresh := filepath.Join(t.TempDir(), "new")
	if err := securePrivateFiles(fresh, true, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(filepath.Join(fresh, "coderemote.db")); info == nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("a new database file is not created 0600: %v", info)
	}
}

// TestTrickledRequestsAreCut: 300 clients that send their requests a byte
// at a time are disconnected by the server's timeouts.
func TestTrickledRequestsAreCut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httpServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }),
		httpTimeouts{header: 500 * time.Millisecond, body: time.Second, write: time.Second, idle: time.Second})
	go srv.Serve(ln)
	defer srv.Close()
	var wg sync.WaitGroup
	var cut atomic.Int64
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			msg := "POST /execute HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
			if i%2 == 0 {
				msg = "POST /execute HTTP/1.1\r\nHost: x\r\n" // never finishes its headers
			}
			c.Write([]byte(msg))
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				if _, err := c.Write([]byte("x")); err != nil {
					cut.Add(1)
					return
				}
				c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				if _, err := c.Read(make([]byte, 512)); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
					cut.Add(1)
					return
				}
			}
		}()
	}
	wg.Wait()
	if cut.Load() != 300 {
		t.Fatalf("%d of 300 trickling connections were cut", cut.Load())
	}
}
