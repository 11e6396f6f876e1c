package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestClientIPBehindProxies(t *testing.T) {
	nets := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	tests := []struct {
		name    string
		cfg     Config
		peer    string
		forward []string
		want    string
	}{
		{"no proxy configured: the peer, whatever the header says", Config{}, "198.51.100.1", []string{"1.2.3.4"}, "198.51.100.1"},
		{"one proxy: its appended entry, not what the client wrote", Config{TrustProxy: true}, "10.1.1.1", []string{"1.2.3.4, 203.0.113.5"}, "203.0.113.5"},
		{"one proxy, header split over lines", Config{TrustProxy: true}, "10.1.1.1", []string{"1.2.3.4", "203.0.113.5"}, "203.0.113.5"},
		{"one proxy, no header", Config{TrustProxy: true}, "10.1.1.1", nil, "10.1.1.1"},
		{"trusted networks: rightmost untrusted hop", Config{TrustedProxies: nets}, "10.0.0.2", []string{"6.6.6.6, 203.0.113.9, 10.0.0.7"}, "203.0.113.9"},
		{"trusted networks: a peer outside them is the client", Config{TrustedProxies: nets}, "198.51.100.2", []string{"203.0.113.9"}, "198.51.100.2"},
		{"trusted networks: every hop trusted", Config{TrustedProxies: nets}, "10.0.0.2", []string{"10.9.9.9, 10.0.0.7"}, "10.9.9.9"},
		{"trusted networks: IPv6", Config{TrustedProxies: nets}, "2001:db8::1", []string{"2001:db9::5, 2001:db8::2"}, "2001:db9::5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{cfg: tt.cfg}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = netip.AddrPortFrom(netip.MustParseAddr(tt.peer), 5000).String()
			for _, f := range tt.forward {
				r.Header.Add("X-Forwarded-For", f)
			}
			if got := s.clientIP(r); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSpoofedForwardedForIsRateLimited: behind a proxy that appends, a
// client that writes a new X-Forwarded-For on every request is still one
// client to the rate limit.
func TestSpoofedForwardedForIsRateLimited(t *testing.T) {
	s := New(Config{TrustProxy: true, ExecuteRate: 1, ExecuteBurst: 3}, discardLog(), Deps{Runner: sharedPool(t)})
	var codes []int
	for i := range 5 {
		r := httptest.NewRequest("POST", "/execute", strings.NewReader(`{"code": "print(1)"}`))
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = "10.0.0.1:443" // the proxy
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d, 203.0.113.50", i))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		codes = append(codes, w.Code)
	}
	if codes[3] != http.StatusTooManyRequests || codes[4] != http.StatusTooManyRequests {
		t.Fatalf("got statuses %v, want 429 after the burst of 3", codes)
	}
}
