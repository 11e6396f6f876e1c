package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/store/storetest"
)

// browser is one visitor: an address, and the cookie and token its browser
// keeps.
type browser struct {
	addr    string
	cookies []*http.Cookie
	token   string
	ctx     context.Context // if set, the requests' context
}

// do sends a request as the browser would, keeping the cookies it is given.
func (b *browser) do(s http.Handler, method, path, body string) (int, map[string]any, http.Header) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = b.addr + ":40000"
	if b.ctx != nil {
		req = req.WithContext(b.ctx)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.token != "" {
		req.Header.Set("Authorization", "Bearer "+b.token)
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		b.cookies = []*http.Cookie{c}
		if c.MaxAge < 0 {
			b.cookies = nil
		}
	}
	var m map[string]any
	json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, m, rec.Header()
}

// visit loads the UI's page, which gives the browser its session.
func (b *browser) visit(t *testing.T, s http.Handler) {
	t.Helper()
	if code, _, _ := b.do(s, "GET", "/", ""); code != http.StatusOK {
		t.Fatalf("GET /: %d", code)
	}
}

// classRuns has every browser run a 20 ms program at the same moment and
// returns the slowest answer; every run must succeed with its own output.
func classRuns(t *testing.T, s http.Handler, class []*browser) time.Duration {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var slowest time.Duration
	start := make(chan struct{})
	for i, b := range class {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			began := time.Now()
			code, m, _ := b.do(s, "POST", "/execute", fmt.Sprintf(`{"code":"import time\ntime.sleep(0.02)\nprint(%d)"}`, i))
			took := time.Since(began)
			if code != http.StatusOK || m["stdout"] != fmt.Sprintf("%d\n", i) {
				t.Errorf("student %d: %d %v", i, code, m)
			}
			mu.Lock()
			slowest = max(slowest, took)
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return slowest
}

// classBound is the acceptance bound on the slowest of 40 simultaneous runs;
// the race detector slows the interpreter several times over.
func classBound() time.Duration {
	if raceDetector {
		return 20 * time.Second
	}
	return 5 * time.Second
}

// A class of 40 behind one address, with default settings: each browser
// loads the page (a session each), registers within the minute, and all 40
// run a 20 ms program at the same moment: every run succeeds. Without
// sessions (API clients that keep no cookies) the same 40 are one client.
func TestClassOfFortyBehindOneAddress(t *testing.T) {
	for name, db := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			p := newPool(t, sandbox.Config{}) // the sandbox's defaults
			s := New(Config{UI: fstestUI(), Auth: AuthConfig{Secret: testSecret}}, discardLog(), Deps{Runner: p, Store: db})
			const school = "203.0.113.50"
			class := make([]*browser, 40)
			began := time.Now()
			for i := range class {
				class[i] = &browser{addr: school}
				class[i].visit(t, s)
				code, m, _ := class[i].do(s, "POST", "/auth/register", fmt.Sprintf(`{"email":"student%d-%s@school.example","password":"correct horse"}`, i, name))
				if code != http.StatusCreated {
					t.Fatalf("student %d registering: %d %v", i, code, m)
				}
				class[i].token = m["token"].(string)
			}
			t.Logf("40 registrations from one address in %s", time.Since(began).Round(time.Millisecond))
			slowest := classRuns(t, s, class)
			t.Logf("40 signed-in runs at once: slowest answered in %s", slowest.Round(time.Millisecond))
			if slowest > classBound() {
				t.Errorf("the slowest of 40 runs answered in %s, more than %s", slowest, classBound())
			}
			_, m, _ := class[0].do(s, "GET", "/auth/session", "")
			if m["kind"] != "user" || m["address_share"].(float64) < 40 {
				t.Errorf("a signed-in student's view: %v", m)
			}
		})
	}
}

func TestFortyAnonymousSessionsBehindOneAddress(t *testing.T) {
	p := newPool(t, sandbox.Config{})
	s := New(Config{UI: fstestUI()}, discardLog(), Deps{Runner: p})
	const school = "203.0.113.51"
	class := make([]*browser, 40)
	ids := map[string]bool{}
	for i := range class {
		class[i] = &browser{addr: school}
		class[i].visit(t, s)
		_, m, _ := class[i].do(s, "GET", "/auth/session", "")
		if m["kind"] != "session" {
			t.Fatalf("visitor %d is not a session: %v", i, m)
		}
		ids[m["id"].(string)] = true
	}
	if len(ids) != 40 {
		t.Fatalf("40 browsers got %d sessions", len(ids))
	}
	slowest := classRuns(t, s, class)
	t.Logf("40 anonymous runs at once: slowest answered in %s", slowest.Round(time.Millisecond))
	if slowest > classBound() {
		t.Errorf("the slowest of 40 runs answered in %s, more than %s", slowest, classBound())
	}

	// The same 40 without cookies are one client, as before sessions:
	// most are told to wait.
	var refused atomic.Int64
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := &browser{addr: "203.0.113.52"}
			if code, _, _ := b.do(s, "POST", "/execute", fmt.Sprintf(`{"code":"import time\ntime.sleep(0.02)\nprint(%d)"}`, i)); code == http.StatusTooManyRequests {
				refused.Add(1)
			}
		}()
	}
	wg.Wait()
	t.Logf("40 cookie-less runs from one address: %d refused (one client's share)", refused.Load())
}

// An attacker address mints sessions as fast as it may and floods runs
// from all of them; a victim's run elsewhere still answers within one run's
// time limit of its own (the bound of TestOneClientCannotStarveAnother).
func TestSessionMintingAttackerCannotStarveVictim(t *testing.T) {
	p := newPool(t, sandbox.Config{Workers: 2, OutputLimit: 64 << 10})
	s := New(Config{UI: fstestUI()}, discardLog(), Deps{Runner: p})
	const limit = 2.0
	attacker := "198.51.100.66"
	var sessions []*browser
	for range 200 { // more than the minting limit allows
		b := &browser{addr: attacker}
		b.visit(t, s)
		if len(b.cookies) > 0 {
			sessions = append(sessions, b)
		}
	}
	if len(sessions) > DefaultSessionBurst+5 {
		t.Fatalf("one address minted %d sessions at once; the limit is %d", len(sessions), DefaultSessionBurst)
	}
	t.Logf("the attacker minted %d sessions", len(sessions))
	attacks := []string{"import time\ntime.sleep(30)", "while True:\n    pass", "while True:\n    print('x' * 1000)"}
	ctx, cancel := context.WithCancel(t.Context())
	for _, b := range sessions {
		b.ctx = ctx
	}
	stop, sent, refused := flood(len(sessions), func(i, j int) bool {
		code, _, _ := sessions[i].do(s, "POST", "/execute", fmt.Sprintf(`{"code":%q,"timeout_seconds":%v}`, attacks[(i+j)%len(attacks)], limit))
		return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
	})
	defer func() { cancel(); stop() }()
	time.Sleep(1500 * time.Millisecond)
	victim := &browser{addr: "192.0.2.200"}
	victim.visit(t, s)
	for range 3 {
		start := time.Now()
		code, m, _ := victim.do(s, "POST", "/execute", `{"code":"print(6*7)"}`)
		waited := time.Since(start)
		if code != http.StatusOK || m["stdout"] != "42\n" {
			t.Fatalf("victim got %d %v", code, m)
		}
		t.Logf("victim answered in %s", waited.Round(time.Millisecond))
		bound := 5 * time.Second
		if raceDetector {
			bound += 5 * time.Second // a killed worker's successor starts slowly when instrumented
		}
		if waited > bound {
			t.Fatalf("the victim waited %s (bound %s) while the attacker flooded from %d sessions", waited, bound, len(sessions))
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Logf("attacker: %d runs sent, %d refused", sent.Load(), refused.Load())
}

// 100 wrong passwords for one account, from 100 sessions at 100 addresses:
// the account backs off after 5, so only a handful are even checked, and
// while it is locked the right password is refused too (429, Retry-After).
func TestPasswordGuessingIsLimitedPerAccount(t *testing.T) {
	forEachBackend(t, Config{UI: fstestUI()}, func(t *testing.T, s *Server) {
		owner := &browser{addr: "192.0.2.10"}
		if code, m, _ := owner.do(s, "POST", "/auth/register", `{"email":"victim@example.com","password":"correct horse"}`); code != http.StatusCreated {
			t.Fatalf("register: %d %v", code, m)
		}
		checked, locked := 0, 0
		for i := range 100 {
			b := &browser{addr: fmt.Sprintf("198.51.%d.%d", 100+i/200, 1+i%200)}
			b.visit(t, s)
			code, m, h := b.do(s, "POST", "/auth/login", fmt.Sprintf(`{"email":"victim@example.com","password":"guess %d"}`, i))
			switch code {
			case http.StatusUnauthorized:
				checked++
			case http.StatusTooManyRequests:
				locked++
				if h.Get("Retry-After") == "" || !strings.Contains(m["detail"].(string), "this account") {
					t.Fatalf("a refusal without Retry-After or reason: %v %v", m, h)
				}
			default:
				t.Fatalf("guess %d: %d %v", i, code, m)
			}
		}
		t.Logf("100 guesses from 100 addresses: %d checked, %d refused by the account's back-off", checked, locked)
		if checked > 10 {
			t.Fatalf("%d of 100 guesses were checked; the account should back off after %d", checked, freeFailures)
		}
		code, _, h := owner.do(s, "POST", "/auth/login", `{"email":"victim@example.com","password":"correct horse"}`)
		if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
			t.Fatalf("the right password during the lockout: %d", code)
		}
		// Another account is not affected.
		if code, m, _ := owner.do(s, "POST", "/auth/register", `{"email":"other@example.com","password":"correct horse"}`); code != http.StatusCreated {
			t.Fatalf("register: %d %v", code, m)
		}
		if code, m, _ := owner.do(s, "POST", "/auth/login", `{"email":"other@example.com","password":"correct horse"}`); code != http.StatusOK {
			t.Fatalf("another account's sign-in: %d %v", code, m)
		}
	})
}

// Failed sign-ins from one address are limited (with a ceiling a class
// mistyping does not reach); correct sign-ins are not counted.
func TestSigninLimitsPerAddress(t *testing.T) {
	s := accountServers(t, Config{UI: fstestUI()})["sqlite"]
	school := "203.0.113.60"
	for i := range 40 {
		b := &browser{addr: school}
		if code, m, _ := b.do(s, "POST", "/auth/register", fmt.Sprintf(`{"email":"s%d@school.example","password":"correct horse"}`, i)); code != http.StatusCreated {
			t.Fatalf("register %d: %d %v", i, code, m)
		}
	}
	// 40 students sign in twice each, one typo each: none is refused.
	for round := range 2 {
		for i := range 40 {
			b := &browser{addr: school}
			pw := "correct horse"
			if round == 0 {
				pw = "correct hose"
			}
			code, m, _ := b.do(s, "POST", "/auth/login", fmt.Sprintf(`{"email":"s%d@school.example","password":%q}`, i, pw))
			if want := map[int]int{0: 401, 1: 200}[round]; code != want {
				t.Fatalf("round %d student %d: %d %v", round, i, code, m)
			}
		}
	}
	// A guesser spraying many accounts from one address is stopped by the
	// address's limit.
	refused := 0
	for i := range 2 * DefaultAuthRate * 2 {
		b := &browser{addr: "198.51.100.77"}
		code, _, _ := b.do(s, "POST", "/auth/login", fmt.Sprintf(`{"email":"s%d@school.example","password":"spray"}`, i%40))
		if code == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("a password sprayer at one address was never refused")
	}
}

// A classroom network gets the stated multiple of the per-address
// allowances, and /health says so.
func TestClassroomNetworks(t *testing.T) {
	s := New(Config{UI: fstestUI(), SessionBurst: 2, SessionRate: 1, ClassroomNetworks: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")},
		ClassroomMultiple: 3}, discardLog(), Deps{Runner: sharedPool(t)})
	count := func(addr string) int {
		n := 0
		for range 10 {
			b := &browser{addr: addr}
			b.visit(t, s)
			if len(b.cookies) > 0 {
				n++
			}
		}
		return n
	}
	if got := count("192.0.2.30"); got != 2 {
		t.Fatalf("an ordinary address minted %d sessions, want the burst of 2", got)
	}
	if got := count("10.20.3.4"); got != 6 {
		t.Fatalf("a classroom address minted %d sessions, want 3 × 2", got)
	}
	b := &browser{addr: "10.20.3.5"}
	b.visit(t, s)
	_, m, _ := b.do(s, "GET", "/auth/session", "")
	if m["classroom"] != true || m["address_cap"].(float64) != 3*DefaultAddressCap {
		t.Fatalf("a classroom address's view: %v", m)
	}
	_, h, _ := b.do(s, "GET", "/health", "")
	clients := h["limits"].(map[string]any)["clients"].(map[string]any)
	if clients["classroom_multiple"].(float64) != 3 || fmt.Sprint(clients["classroom_networks"]) != "[10.20.0.0/16]" {
		t.Fatalf("/health limits: %v", clients)
	}
}

// Session cookies: forged, altered, expired or revoked ones are not
// sessions; a day-old one is re-issued with the same id.
func TestSessionCookies(t *testing.T) {
	s := New(Config{UI: fstestUI(), Auth: AuthConfig{Secret: testSecret}}, discardLog(), Deps{Runner: sharedPool(t)})
	now := time.Now()
	id := "AAAAAAAAAAAAAAAAAAAAAA"
	good := s.signSession(id, now)
	if got, _, ok := s.parseSession(good, now); !ok || got != id {
		t.Fatalf("a good cookie was refused")
	}
	other := New(Config{Auth: AuthConfig{Secret: []byte("another secret, another server..")}}, discardLog(), Deps{Runner: sharedPool(t)})
	for name, v := range map[string]string{
		"altered id":      strings.Replace(good, "AAAA", "AAAB", 1),
		"altered date":    strings.Replace(good, fmt.Sprint(now.Unix()), fmt.Sprint(now.Unix()+1), 1),
		"other secret":    other.signSession(id, now),
		"expired":         s.signSession(id, now.Add(-sessionMaxAge-time.Minute)),
		"from the future": s.signSession(id, now.Add(time.Hour)),
		"empty":           "",
		"garbage":         "v1...",
	} {
		if _, _, ok := s.parseSession(v, now); ok {
			t.Errorf("%s: accepted", name)
		}
	}
	b := &browser{addr: "192.0.2.40", cookies: []*http.Cookie{{Name: sessionCookie, Value: s.signSession(id, now.Add(-25*time.Hour))}}}
	b.visit(t, s)
	if len(b.cookies) != 1 || b.cookies[0].Value == "" {
		t.Fatal("a day-old session was not re-issued")
	}
	if got, issued, ok := s.parseSession(b.cookies[0].Value, time.Now()); !ok || got != id || time.Since(issued) > time.Minute {
		t.Fatalf("re-issued: %v %v %v", got, issued, ok)
	}
	if !b.cookies[0].HttpOnly || b.cookies[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("the cookie is not HttpOnly and SameSite=Lax: %+v", b.cookies[0])
	}
	revoked := b.cookies[0].Value
	if code, _, _ := b.do(s, "DELETE", "/auth/session", ""); code != http.StatusNoContent || len(b.cookies) != 0 {
		t.Fatalf("DELETE /auth/session: %d, cookies %v", code, b.cookies)
	}
	if _, _, ok := s.parseSession(revoked, time.Now()); ok {
		t.Fatal("a revoked session is still accepted")
	}
}

func FuzzParseSession(f *testing.F) {
	s := New(Config{Auth: AuthConfig{Secret: testSecret}}, discardLog(), Deps{})
	now := time.Unix(1_800_000_000, 0)
	f.Add(s.signSession("AAAAAAAAAAAAAAAAAAAAAA", now))
	f.Add("v1.x.1.y")
	f.Add("")
	f.Fuzz(func(t *testing.T, v string) {
		id, issued, ok := s.parseSession(v, now)
		if !ok {
			return
		}
		if s.signSession(id, issued) != v {
			t.Fatalf("accepted %q, which is not what the server signs for %q", v, id)
		}
	})
}

// The IDE runs programs over a WebSocket: 40 browsers behind one address
// each open one (more than the 16 one address had before sessions) and
// run at the same moment; a cookie-less client from the same address is
// still held to one client's connections.
func TestFortyWebSocketsBehindOneAddress(t *testing.T) {
	p := newPool(t, sandbox.Config{})
	srv := httptest.NewServer(New(Config{UI: fstestUI()}, discardLog(), Deps{Runner: p}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	conns := make([]*websocket.Conn, 40)
	for i := range conns {
		res, err := http.Get(srv.URL + "/") // the page gives the browser its session
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		cookies := res.Cookies()
		if len(cookies) != 1 {
			t.Fatalf("page load %d: cookies %v", i, cookies)
		}
		h := http.Header{"Cookie": {cookies[0].Name + "=" + cookies[0].Value}}
		c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
		if err != nil {
			t.Fatalf("WebSocket %d: %v (%v)", i, err, resp)
		}
		defer c.CloseNow()
		conns[i] = c
	}
	var wg sync.WaitGroup
	began := time.Now()
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			if err := wsjson.Write(ctx, c, map[string]any{"action": "execute", "job_id": id, "code": fmt.Sprintf("import time\ntime.sleep(0.02)\nprint(%d)", i)}); err != nil {
				t.Error(err)
				return
			}
			for {
				var m map[string]any
				if err := wsjson.Read(ctx, c, &m); err != nil {
					t.Errorf("student %d: %v", i, err)
					return
				}
				if m["type"] == "execution_result" {
					if m["stdout"] != fmt.Sprintf("%d\n", i) {
						t.Errorf("student %d: %v", i, m)
					}
					return
				}
				if m["type"] == "error" {
					t.Errorf("student %d: %v", i, m)
					return
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("40 WebSocket runs from one address: all answered in %s", time.Since(began).Round(time.Millisecond))

	// Without a cookie, the address alone: its share is the 40 sessions'
	// now, but a cookie-less flood is one client among them and cannot
	// open more than the address's whole allowance.
	opened := 0
	for range DefaultWSPerIP * 60 {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			break
		}
		defer c.CloseNow()
		opened++
	}
	if opened >= DefaultWSPerIP*60 {
		t.Fatalf("one address opened %d WebSockets", opened)
	}
	t.Logf("cookie-less connections from the same address: %d more, then refused", opened)
}
