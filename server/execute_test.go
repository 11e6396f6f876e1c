package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

type scenario struct {
	name       string
	method     string
	path       string
	body       string
	wantStatus int
	wantCode   string // error code, for non-2xx
	wantDetail string // substring of the error detail
	check      func(t *testing.T, body []byte)
}

func (sc scenario) run(t *testing.T, h http.Handler) {
	t.Helper()
	req := httptest.NewRequest(sc.method, sc.path, strings.NewReader(sc.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	if rec.Code != sc.wantStatus {
		t.Fatalf("%s %s: got status %d, want %d; body %s", sc.method, sc.path, rec.Code, sc.wantStatus, body)
	}
	if !isUUID(rec.Header().Get("X-Request-Id")) {
		t.Fatalf("missing X-Request-Id, got %q", rec.Header().Get("X-Request-Id"))
	}
	if sc.wantStatus >= 300 {
		var e errorBody
		if err := json.Unmarshal(body, &e); err != nil || e.Code != sc.wantCode || !strings.Contains(e.Detail, sc.wantDetail) {
			t.Fatalf("got error body %s, want code %q and detail containing %q", body, sc.wantCode, sc.wantDetail)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("error Content-Type %q", ct)
		}
	}
	if sc.check != nil {
		sc.check(t, body)
	}
}

func decodeResult(t *testing.T, body []byte) ExecutionResult {
	t.Helper()
	var r ExecutionResult
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return r
}

func newTestServer(t testing.TB, cfg Config) *Server {
	return New(cfg, discardLog(), Deps{Runner: sharedPool(t)})
}

func TestExecuteScenarios(t *testing.T) {
	s := newTestServer(t, Config{MaxCodeBytes: 1024, MaxStdinBytes: 100, MaxTimeout: 10 * time.Second})
	big := strings.Repeat("x", 1025)
	scenarios := []scenario{
		{name: "prints", method: "POST", path: "/execute", body: `{"code":"print('hello')"}`, wantStatus: 200,
			check: func(t *testing.T, b []byte) {
				r := decodeResult(t, b)
				if !r.Success || r.Stdout != "hello\n" || !isUUID(r.JobID) || r.TimedOut || r.SecurityViolations == nil {
					t.Fatalf("got %s", b)
				}
				// The compat fields are present even when null.
				for _, field := range []string{`"error":null`, `"error_type":null`, `"traceback":null`, `"execution_time_ms":`, `"security_violations":[]`} {
					if !strings.Contains(string(b), field) {
						t.Fatalf("result lacks %s: %s", field, b)
					}
				}
			}},
		{name: "stdin and timeout", method: "POST", path: "/execute", body: `{"code":"print(input()[::-1])","stdin":"abc\n","timeout_seconds":2.5}`, wantStatus: 200,
			check: func(t *testing.T, b []byte) {
				if r := decodeResult(t, b); r.Stdout != "cba\n" {
					t.Fatalf("got %s", b)
				}
			}},
		{name: "exception", method: "POST", path: "/execute", body: `{"code":"x = 1\nraise KeyError('k')"}`, wantStatus: 200,
			check: func(t *testing.T, b []byte) {
				r := decodeResult(t, b)
				if r.Success || *r.ErrorType != "KeyError" || *r.Error != "'k'" || *r.ErrorLine != 2 || !strings.Contains(*r.Traceback, `File "main.py", line 2`) {
					t.Fatalf("got %s", b)
				}
			}},
		{name: "syntax error is not a security error", method: "POST", path: "/execute", body: `{"code":"def f(:\n  pass"}`, wantStatus: 200,
			check: func(t *testing.T, b []byte) {
				r := decodeResult(t, b)
				if *r.ErrorType != "SyntaxError" || *r.ErrorLine != 1 || len(r.SecurityViolations) != 0 {
					t.Fatalf("got %s", b)
				}
			}},
		{name: "security violation", method: "POST", path: "/execute", body: `{"code":"import os\neval('1')"}`, wantStatus: 200,
			check: func(t *testing.T, b []byte) {
				r := decodeResult(t, b)
				if r.Success || *r.ErrorType != "SecurityError" || *r.Error != "Security validation failed" || len(r.SecurityViolations) != 2 {
					t.Fatalf("got %s", b)
				}
			}},
		{name: "timeout", method: "POST", path: "/execute", body: `{"code":"print('a', flush=True)\nwhile True: pass","timeout_seconds":0.5}`, wantStatus: 200,
			check: func(t *testing.T, b []byte) {
				r := decodeResult(t, b)
				if !r.TimedOut || *r.ErrorType != "TimeoutError" || r.Stdout != "a\n" {
					t.Fatalf("got %s", b)
				}
			}},
		{name: "malformed JSON", method: "POST", path: "/execute", body: `{"code":`, wantStatus: 400, wantCode: "bad_request", wantDetail: "not valid JSON"},
		{name: "wrong type", method: "POST", path: "/execute", body: `{"code":5}`, wantStatus: 400, wantCode: "bad_request", wantDetail: "code must be a string"},
		{name: "trailing data", method: "POST", path: "/execute", body: `{"code":"1"} {}`, wantStatus: 400, wantCode: "bad_request", wantDetail: "after the JSON"},
		{name: "missing code", method: "POST", path: "/execute", body: `{}`, wantStatus: 422, wantCode: "invalid", wantDetail: "code is required"},
		{name: "empty code", method: "POST", path: "/execute", body: `{"code":""}`, wantStatus: 422, wantCode: "invalid", wantDetail: "code must not be empty"},
		{name: "code too large", method: "POST", path: "/execute", body: `{"code":"` + big + `"}`, wantStatus: 413, wantCode: "too_large", wantDetail: "limit of 1 KiB"},
		{name: "stdin too large", method: "POST", path: "/execute", body: `{"code":"1","stdin":"` + strings.Repeat("s", 101) + `"}`, wantStatus: 413, wantCode: "too_large", wantDetail: "stdin"},
		{name: "body too large", method: "POST", path: "/execute", body: `{"code":"1","x":"` + strings.Repeat("b", 20000) + `"}`, wantStatus: 413, wantCode: "too_large", wantDetail: "request body"},
		{name: "zero timeout", method: "POST", path: "/execute", body: `{"code":"1","timeout_seconds":0}`, wantStatus: 422, wantCode: "invalid", wantDetail: "timeout_seconds must be greater than 0 and at most 10"},
		{name: "negative timeout", method: "POST", path: "/execute", body: `{"code":"1","timeout_seconds":-3}`, wantStatus: 422, wantCode: "invalid", wantDetail: "timeout_seconds"},
		{name: "timeout over the maximum", method: "POST", path: "/execute", body: `{"code":"1","timeout_seconds":11}`, wantStatus: 422, wantCode: "invalid", wantDetail: "timeout_seconds"},
		{name: "bad snippet id", method: "POST", path: "/execute", body: `{"code":"1","snippet_id":"nope"}`, wantStatus: 422, wantCode: "invalid", wantDetail: "snippet_id must be a UUID"},
		{name: "async needs a connection", method: "POST", path: "/execute/async", body: `{"code":"1"}`, wantStatus: 422, wantCode: "invalid", wantDetail: "connection_id is required"},
		{name: "async with an unknown connection", method: "POST", path: "/execute/async", body: `{"code":"1","connection_id":"abc"}`, wantStatus: 422, wantCode: "invalid", wantDetail: "open WebSocket"},
		{name: "unknown job", method: "GET", path: "/jobs/00000000-0000-4000-8000-000000000000", wantStatus: 404, wantCode: "not_found", wantDetail: "not found"},
		{name: "malformed job id", method: "GET", path: "/jobs/..%2f", wantStatus: 404, wantCode: "not_found"},
		{name: "unknown route", method: "GET", path: "/nope", wantStatus: 404, wantCode: "not_found", wantDetail: "no route"},
		{name: "wrong method", method: "GET", path: "/execute", wantStatus: 405, wantCode: "method_not_allowed", wantDetail: "GET"},
		{name: "health", method: "GET", path: "/health", wantStatus: 200,
			check: func(t *testing.T, b []byte) {
				var h healthBody
				json.Unmarshal(b, &h)
				if h.Status != "healthy" || h.Checks["sandbox"] == "" {
					t.Fatalf("got %s", b)
				}
			}},
		{name: "metrics", method: "GET", path: "/metrics", wantStatus: 200,
			check: func(t *testing.T, b []byte) {
				for _, m := range []string{"coderemote_executions_total{outcome=\"success\"}", "coderemote_execution_duration_seconds_bucket",
					"coderemote_execution_queue_depth", "coderemote_http_requests_total", "coderemote_sandbox_workers_ready"} {
					if !strings.Contains(string(b), m) {
						t.Fatalf("metrics lack %s", m)
					}
				}
			}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, s) })
	}
}

func TestJobIsKeptForLaterFetch(t *testing.T) {
	s := newTestServer(t, Config{})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, jsonRequest("POST", "/execute", `{"code":"print(42)"}`))
	r := decodeResult(t, rec.Body.Bytes())
	scenario{name: "fetch", method: "GET", path: "/jobs/" + r.JobID, wantStatus: 200, check: func(t *testing.T, b []byte) {
		var j jobView
		json.Unmarshal(b, &j)
		if j.Status != "completed" || j.Result == nil || j.Result.Stdout != "42\n" || j.JobID != r.JobID {
			t.Fatalf("got %s", b)
		}
	}}.run(t, s)
}

func TestRateLimit(t *testing.T) {
	s := newTestServer(t, Config{ExecuteRate: 1, ExecuteBurst: 2})
	for i := range 2 {
		scenario{name: "within burst", method: "POST", path: "/execute", body: `{"code":"1"}`, wantStatus: 200}.run(t, s)
		_ = i
	}
	req := httptest.NewRequest("POST", "/execute", strings.NewReader(`{"code":"1"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 429 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), `"code":"rate_limited"`) {
		t.Fatalf("got %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
	// Another client is not affected.
	req = httptest.NewRequest("POST", "/execute", strings.NewReader(`{"code":"1"}`))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "192.0.2.7:1234"
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("another IP got %d", rec.Code)
	}
}

func TestRateLimiterMemoryIsBounded(t *testing.T) {
	l := newRateLimiter(1, 5, 1000)
	now := time.Now()
	for i := range 50000 {
		l.allow(fmt.Sprintf("ip:%d", i), now.Add(time.Duration(i)*time.Millisecond))
	}
	if n := l.size(); n > 1000 {
		t.Fatalf("limiter holds %d keys, want at most 1000", n)
	}
	// A client that is limited stays limited while it is remembered.
	l = newRateLimiter(1, 1, 10)
	if ok, _ := l.allow("a", now); !ok {
		t.Fatal("first request refused")
	}
	if ok, retry := l.allow("a", now); ok || retry <= 0 || retry > time.Second {
		t.Fatalf("second request: ok=%v retry=%v", ok, retry)
	}
}

func TestQueueFullIs503(t *testing.T) {
	p := newPool(t, sandboxConfig(1, 1))
	s := New(Config{}, discardLog(), Deps{Runner: p})
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for range 2 { // one running, one queued
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequestWithContext(ctx, "POST", "/execute", strings.NewReader(`{"code":"while True: pass","timeout_seconds":20}`))
			req.Header.Set("Content-Type", "application/json")
			s.ServeHTTP(httptest.NewRecorder(), req)
		}()
	}
	for deadline := time.Now().Add(20 * time.Second); p.Stats().Running+p.Stats().Queued < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, jsonRequest("POST", "/execute", `{"code":"1"}`))
	cancel()
	wg.Wait()
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), `"code":"overloaded"`) {
		t.Fatalf("got %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
}

func TestClientDisconnectCancelsTheRun(t *testing.T) {
	s := newTestServer(t, Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, "POST", "/execute", strings.NewReader(`{"code":"while True: pass","timeout_seconds":20}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	start := time.Now()
	s.ServeHTTP(rec, req)
	r := decodeResult(t, rec.Body.Bytes())
	if *r.ErrorType != "Cancelled" || time.Since(start) > 15*time.Second {
		t.Fatalf("got %s after %v", rec.Body.String(), time.Since(start))
	}
}

func TestStaticUI(t *testing.T) {
	ui := fstestUI()
	s := New(Config{UI: ui}, discardLog(), Deps{Runner: sharedPool(t)})
	for _, tc := range []struct {
		path, wantCache, wantBody string
		wantStatus                int
	}{
		{"/", "no-cache", "<title>Code Remote</title>", 200},
		{"/assets/app-1234.js", "public, max-age=31536000, immutable", "console.log(1)", 200},
		{"/assets/missing.js", "", "not_found", 404},
		{"/some/client/route", "", "not_found", 404},
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != tc.wantStatus || rec.Header().Get("Cache-Control") != tc.wantCache || !strings.Contains(string(body), tc.wantBody) {
			t.Fatalf("%s: got %d %q %s", tc.path, rec.Code, rec.Header().Get("Cache-Control"), body)
		}
	}
}

// TestPrecompressedAssets: the build's .br and .gz files are sent to
// clients that accept them, with the asset's own type; others get the
// plain file.
func TestPrecompressedAssets(t *testing.T) {
	ui := fstestUI()
	ui["assets/app-1234.js.br"] = &fstest.MapFile{Data: []byte("BROTLI")}
	ui["assets/app-1234.js.gz"] = &fstest.MapFile{Data: []byte("GZIP")}
	// A large asset is embedded compressed only: a client that accepts no
	// compression gets it decompressed.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("console.log(2)"))
	zw.Close()
	ui["assets/big-5678.js.gz"] = &fstest.MapFile{Data: gz.Bytes()}
	ui["assets/big-5678.js.br"] = &fstest.MapFile{Data: []byte("BROTLI2")}
	s := New(Config{UI: ui}, discardLog(), Deps{Runner: sharedPool(t)})
	for _, tc := range []struct{ path, accept, wantEncoding, wantBody string }{
		{"/assets/app-1234.js", "gzip, deflate, br, zstd", "br", "BROTLI"},
		{"/assets/app-1234.js", "gzip", "gzip", "GZIP"},
		{"/assets/app-1234.js", "br;q=0, gzip", "gzip", "GZIP"},
		{"/assets/app-1234.js", "identity", "", "console.log(1)"},
		{"/assets/app-1234.js", "", "", "console.log(1)"},
		{"/assets/big-5678.js", "gzip, br", "br", "BROTLI2"},
		{"/assets/big-5678.js", "gzip", "gzip", gz.String()},
		{"/assets/big-5678.js", "", "", "console.log(2)"},
		{"/assets/big-5678.js", "identity", "", "console.log(2)"},
	} {
		req := httptest.NewRequest("GET", tc.path, nil)
		req.Header.Set("Accept-Encoding", tc.accept)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != tc.wantEncoding || rec.Body.String() != tc.wantBody ||
			!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") || !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Fatalf("%s, Accept-Encoding %q: %d %v %q", tc.path, tc.accept, rec.Code, rec.Header(), rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/assets/missing-1.js", nil))
	if rec.Code != 404 {
		t.Fatalf("a missing asset: %d", rec.Code)
	}
}
