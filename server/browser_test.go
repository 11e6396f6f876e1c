package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBrowserFacingDefences(t *testing.T) {
	s := New(Config{CORSOrigins: []string{"https://app.example.com"}, MetricsToken: "s3cret"}, discardLog(), Deps{Runner: sharedPool(t)})
	tests := []struct {
		name        string
		method      string
		path        string
		body        string
		headers     map[string]string
		wantStatus  int
		wantHeaders map[string]string
	}{
		{"headers on every response", "GET", "/health", "", nil, 200, map[string]string{
			"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}},
		{"cross-site form POST", "POST", "/execute", "code=print(1)",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"}, 403, nil},
		{"cross-site text/plain POST", "POST", "/execute", `{"code":"print(1)"}`,
			map[string]string{"Content-Type": "text/plain", "Origin": "https://evil.example"}, 403, nil},
		{"cross-site POST, origin hidden", "POST", "/execute", `{"code":"print(1)"}`,
			map[string]string{"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"}, 403, nil},
		{"same-site text/plain POST", "POST", "/execute", `{"code":"print(1)"}`,
			map[string]string{"Content-Type": "text/plain", "Origin": "http://example.com"}, 415, nil},
		{"a non-browser client without a content type", "POST", "/execute", `{"code":"print(1)"}`, nil, 415, nil},
		{"same-origin JSON", "POST", "/execute", `{"code":"print(1)"}`,
			map[string]string{"Content-Type": "application/json; charset=utf-8", "Origin": "http://example.com"}, 200, nil},
		{"a configured origin", "POST", "/execute", `{"code":"print(1)"}`,
			map[string]string{"Content-Type": "application/json", "Origin": "https://app.example.com"}, 200,
			map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}},
		{"CORS preflight of a configured origin", "OPTIONS", "/execute", "",
			map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"}, 204,
			map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}},
		{"no CORS for other origins", "GET", "/health", "", map[string]string{"Origin": "https://evil.example"}, 200,
			map[string]string{"Access-Control-Allow-Origin": ""}},
		{"metrics without the token", "GET", "/metrics", "", nil, 401, nil},
		{"metrics with the token", "GET", "/metrics", "", map[string]string{"Authorization": "Bearer s3cret"}, 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("got %d %s, want %d", w.Code, w.Body.String(), tt.wantStatus)
			}
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Fatalf("Content-Security-Policy %q", csp)
			}
			for k, v := range tt.wantHeaders {
				if got := w.Header().Get(k); got != v {
					t.Fatalf("%s: got %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestWebSocketsPerAddress(t *testing.T) {
	s := New(Config{WSPerIP: 2}, discardLog(), Deps{Runner: sharedPool(t)})
	srv := httptest.NewServer(s)
	defer srv.Close()
	var open []*http.Response
	defer func() {
		for _, r := range open {
			r.Body.Close()
		}
	}()
	for i := range 3 {
		req, _ := http.NewRequest("GET", srv.URL+"/ws", nil)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, res)
		want := http.StatusSwitchingProtocols
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if res.StatusCode != want {
			t.Fatalf("connection %d: got %d, want %d", i+1, res.StatusCode, want)
		}
	}
}

// TestWorkRequestsAreRateLimited: analysis (and search, and snippet writes)
// are limited per client address.
func TestWorkRequestsAreRateLimited(t *testing.T) {
	s := New(Config{WorkRate: 1, WorkBurst: 3}, discardLog(), Deps{Runner: sharedPool(t)})
	var codes []int
	for range 5 {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, jsonRequest("POST", "/analyze", `{"code":"for i in range(n): pass"}`))
		codes = append(codes, w.Code)
	}
	if codes[0] != 200 || codes[3] != http.StatusTooManyRequests || codes[4] != http.StatusTooManyRequests {
		t.Fatalf("got %v, want 200 then 429 past the burst of 3", codes)
	}
}
