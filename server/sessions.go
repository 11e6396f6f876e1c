package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Anonymous sessions give every browser an identity without an account, so
// that the people behind one address (a school's NAT) are scheduled and
// limited one by one. A session is a cookie the server signs:
//
//	cr_session = v1.<id>.<issued, unix seconds>.<HMAC-SHA256 of the rest>
//
// It is minted when a page of the UI is loaded without a valid one (at most
// Config.SessionRate new sessions per minute per address), re-issued with a
// fresh date once a day while in use (rotation), and refused once older
// than sessionMaxAge or after DELETE /auth/session (revocation). Every
// replica verifies it with the same key, derived from the account secret.
const (
	sessionCookie   = "cr_session"
	sessionMaxAge   = 7 * 24 * time.Hour
	sessionRotate   = 24 * time.Hour
	sessionIDBytes  = 16
	sessionMACBytes = 16
	// activeWindow is how recently an identity must have been seen to count
	// toward its address's share.
	activeWindow = 10 * time.Minute
	maxRevoked   = 100_000
)

// identities knows, per address, which identities (sessions, users) were
// active behind it lately: an address's share of the server grows with them,
// up to a cap.
type identities struct {
	mu      sync.Mutex
	byAddr  map[string]map[string]identitySeen
	revoked map[string]time.Time // session id → when its cookie expires anyway
}

type identitySeen struct {
	share int
	at    time.Time
}

func newIdentities() *identities {
	return &identities{byAddr: map[string]map[string]identitySeen{}, revoked: map[string]time.Time{}}
}

// touch records identity (of weight share) as active behind addr now, and
// returns the address's share: the sum of its active identities' shares,
// at least 1 and at most limit.
func (t *identities) touch(addr, identity string, share, limit int, now time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.byAddr[addr]
	if m == nil {
		if len(t.byAddr) >= maxLimiterKeys {
			t.prune(now)
		}
		m = map[string]identitySeen{}
		t.byAddr[addr] = m
	}
	if _, ok := m[identity]; !ok && len(m) >= 4*limit {
		// Far more identities than the cap can use: forget the stale ones
		// before adding (the share is capped anyway).
		pruneAddr(m, now)
	}
	if len(m) < 4*limit {
		m[identity] = identitySeen{share: max(share, 1), at: now}
	}
	return shareOf(m, limit, now)
}

func shareOf(m map[string]identitySeen, limit int, now time.Time) int {
	n := 0
	for _, s := range m {
		if now.Sub(s.at) < activeWindow {
			n += s.share
		}
	}
	return min(max(n, 1), max(limit, 1))
}

func pruneAddr(m map[string]identitySeen, now time.Time) {
	for k, s := range m {
		if now.Sub(s.at) >= activeWindow {
			delete(m, k)
		}
	}
}

func (t *identities) prune(now time.Time) {
	for addr, m := range t.byAddr {
		pruneAddr(m, now)
		if len(m) == 0 {
			delete(t.byAddr, addr)
		}
	}
}

func (t *identities) revoke(id string, until time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.revoked) >= maxRevoked {
		now := time.Now()
		for k, exp := range t.revoked {
			if exp.Before(now) {
				delete(t.revoked, k)
			}
		}
		if len(t.revoked) >= maxRevoked {
			return // the oldest would expire first; refusing more loses only revocations
		}
	}
	t.revoked[id] = until
}

func (t *identities) isRevoked(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.revoked[id]
	return ok
}

// sessionKey derives the key that signs sessions from the account secret
// (shared by every replica), or makes one for this process.
func sessionKey(secret []byte) []byte {
	if len(secret) == 0 {
		k := make([]byte, 32)
		rand.Read(k)
		return k
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("coderemote anonymous session v1"))
	return m.Sum(nil)
}

func (s *Server) signSession(id string, issued time.Time) string {
	body := "v1." + id + "." + strconv.FormatInt(issued.Unix(), 10)
	m := hmac.New(sha256.New, s.sessionKey)
	m.Write([]byte(body))
	return body + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:sessionMACBytes])
}

// parseSession verifies a session cookie's value: its id and when it was
// issued, or ok false.
func (s *Server) parseSession(v string, now time.Time) (id string, issued time.Time, ok bool) {
	if len(v) > 128 {
		return "", time.Time{}, false
	}
	parts := strings.Split(v, ".")
	if len(parts) != 4 || parts[0] != "v1" {
		return "", time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(parts[1])
	if err != nil || len(raw) != sessionIDBytes {
		return "", time.Time{}, false
	}
	sec, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || sec <= 0 {
		return "", time.Time{}, false
	}
	mac, err := base64.RawURLEncoding.Strict().DecodeString(parts[3]) // Strict: one encoding per value
	if err != nil {
		return "", time.Time{}, false
	}
	m := hmac.New(sha256.New, s.sessionKey)
	m.Write([]byte(strings.Join(parts[:3], ".")))
	if !hmac.Equal(mac, m.Sum(nil)[:sessionMACBytes]) {
		return "", time.Time{}, false
	}
	issued = time.Unix(sec, 0)
	if now.Sub(issued) > sessionMaxAge || issued.Sub(now) > time.Minute {
		return "", time.Time{}, false
	}
	if s.ids.isRevoked(parts[1]) {
		return "", time.Time{}, false
	}
	return parts[1], issued, true
}

// sessionOf is the request's valid session id, or "".
func (s *Server) sessionOf(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	id, _, ok := s.parseSession(c.Value, time.Now())
	if !ok {
		return ""
	}
	return id
}

// ensureSession gives a page load a session: it keeps a valid one
// (re-issuing it once a day), or mints one if the address may mint more.
// Past the minting limit the page still loads; its requests then count as
// the address's, as they would without cookies.
func (s *Server) ensureSession(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	addr := s.clientIP(r)
	if c, err := r.Cookie(sessionCookie); err == nil {
		if id, issued, ok := s.parseSession(c.Value, now); ok {
			s.ids.touch(addr, "session:"+id, 1, s.addressCap(addr), now)
			if now.Sub(issued) >= sessionRotate {
				s.setSessionCookie(w, r, id, now)
			}
			return
		}
	}
	if ok, _ := s.sessionLimiter.allowScaled("ip:"+addr, now, s.classroomScale(addr)); !ok {
		s.metrics.sessionsRefused.Inc()
		return
	}
	raw := make([]byte, sessionIDBytes)
	rand.Read(raw)
	s.setSessionCookie(w, r, base64.RawURLEncoding.EncodeToString(raw), now)
	s.metrics.sessionsMinted.Inc()
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, id string, now time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.signSession(id, now), Path: "/", MaxAge: int(sessionMaxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureRequest(r),
	})
}

// secureRequest reports whether the client reached us over HTTPS (directly,
// or through a trusted proxy that says so).
func (s *Server) secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if s.cfg.TrustProxy || s.trusted(host) {
		return strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
	}
	return false
}

// classroom reports whether addr is in one of the classroom networks.
func (s *Server) classroom(addr string) bool { return inNetworks(addr, s.cfg.ClassroomNetworks) }

// classroomScale multiplies an address's allowances: ClassroomMultiple for
// the classroom networks, else 1.
func (s *Server) classroomScale(addr string) float64 {
	if s.classroom(addr) {
		return float64(s.cfg.ClassroomMultiple)
	}
	return 1
}

// addressCap is the largest share addr may get.
func (s *Server) addressCap(addr string) int {
	return int(float64(s.cfg.AddressCap) * s.classroomScale(addr))
}

type sessionView struct {
	// Kind is "user" (signed in), "session" (an anonymous browser session)
	// or "address" (no session: counted as the address).
	Kind string `json:"kind"`
	// ID identifies the user, the session (a prefix of its id: the cookie
	// itself is never shown to scripts) or the address.
	ID string `json:"id"`
	// AddressShare is how many shares the client's address has now: the
	// sessions and users active behind it lately, up to AddressCap.
	AddressShare int  `json:"address_share"`
	AddressCap   int  `json:"address_cap"`
	Classroom    bool `json:"classroom"`
}

// getSession says who the server takes the caller for, and the share of
// its address (GET /auth/session).
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) error {
	c, herr := s.callerOf(r)
	if herr != nil && herr.Status != http.StatusUnauthorized {
		return herr
	}
	v := sessionView{Kind: "address", ID: c.ip, AddressCap: s.addressCap(c.ip), Classroom: s.classroom(c.ip)}
	switch {
	case c.user != nil:
		v.Kind, v.ID = "user", c.user.ID
	case c.session != "":
		v.Kind, v.ID = "session", c.session[:8]
	}
	v.AddressShare = s.ids.touch(c.ip, c.key(), s.shareOf(c), v.AddressCap, time.Now())
	writeJSON(w, http.StatusOK, v)
	return nil
}

// endSession revokes the caller's anonymous session (DELETE /auth/session):
// its cookie is cleared and refused from now on; the next page load mints a
// new one.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if id := s.sessionOf(r); id != "" {
		s.ids.revoke(id, time.Now().Add(sessionMaxAge))
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureRequest(r)})
	w.WriteHeader(http.StatusNoContent)
	return nil
}
