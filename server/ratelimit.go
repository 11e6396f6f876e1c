package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

const maxLimiterKeys = 100_000

// rateLimiter is a token bucket per key (client IP or user). Its memory is
// bounded: when it holds too many keys it forgets the buckets that have
// refilled (forgetting those loses nothing), and if that is not enough, the
// oldest ones.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	maxKeys int
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perSecond float64, burst, maxKeys int) *rateLimiter {
	return &rateLimiter{rate: perSecond, burst: float64(burst), maxKeys: maxKeys, buckets: map[string]*bucket{}}
}

// allow takes a token for key; if none is left it reports how long until one is.
func (l *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	return l.allowScaled(key, now, 1)
}

// allowScaled is allow for a key whose rate and burst are scale times the
// limiter's (an address with many people behind it, a classroom network).
func (l *rateLimiter) allowScaled(key string, now time.Time, scale float64) (bool, time.Duration) {
	return l.take(key, now, scale, true)
}

// peek reports whether allowScaled would succeed, without taking a token
// (for limits charged only on failure, such as wrong passwords).
func (l *rateLimiter) peek(key string, now time.Time, scale float64) (bool, time.Duration) {
	return l.take(key, now, scale, false)
}

func (l *rateLimiter) take(key string, now time.Time, scale float64, consume bool) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	scale = max(scale, 1)
	burst, rate := l.burst*scale, l.rate*scale
	b, ok := l.buckets[key]
	if !ok {
		if !consume {
			return true, 0
		}
		if len(l.buckets) >= l.maxKeys {
			l.shrink(now)
		}
		b = &bucket{tokens: burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		if consume {
			b.tokens--
		}
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
	return false, wait
}

func (l *rateLimiter) shrink(now time.Time) {
	var oldestKey string
	var oldest time.Time
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		} else if oldestKey == "" || b.last.Before(oldest) {
			oldestKey, oldest = k, b.last
		}
	}
	if len(l.buckets) >= l.maxKeys {
		delete(l.buckets, oldestKey)
	}
}

func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// clientIP is the address rate limits, scheduling and audit records use.
// Behind trusted proxies it is the rightmost address in X-Forwarded-For that
// is not a trusted proxy: proxies append, so everything left of that is
// whatever the client wrote.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.cfg.TrustProxy && !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if !s.trusted(hop) {
			return hop
		}
		host = hop
	}
	return host // every hop is a trusted proxy: the leftmost is the client
}

// trusted reports whether addr is in TrustedProxies. (With TrustProxy the
// peer that connected is trusted whatever its address: one proxy.)
func (s *Server) trusted(addr string) bool { return inNetworks(addr, s.cfg.TrustedProxies) }

// inNetworks reports whether addr is an IP address in one of networks.
func inNetworks(addr string, networks []netip.Prefix) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range networks {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// limited applies the per-address limit on work requests (workLimiter).
func (s *Server) limited(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if ok, retry := s.workLimiter.allow("ip:"+s.clientIP(r), time.Now()); !ok {
			return errRateLimited(retry)
		}
		return h(w, r)
	}
}
