package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/coderemote/coderemote/store/storetest"
)

// replicaEnv is what the replicas of one service share: the database, which
// also holds the token secret. Rate limits are raised: behind the test's
// proxy every request comes from one address.
func replicaEnv(dbURL string) []string {
	return []string{"DATABASE_URL=" + dbURL, "CR_WORKERS=1", "CR_STANDBY_WORKERS=0",
		"CR_RATE_WORK=100000", "CR_RATE_WORK_BURST=10000", "CR_RATE_AUTH=10000",
		"CR_RATE_EXECUTE=100000", "CR_RATE_EXECUTE_BURST=10000", "CR_RATE_EXECUTE_USER=100000",
		"CR_JWT_SECRET="} // generated once, by whichever replica starts first
}

// startReplicas starts n processes of the real binary at once (as a
// deployment does: their migrations race) and returns them with their URLs.
func startReplicas(t *testing.T, n int, env []string) ([]*exec.Cmd, []string) {
	cmds := make([]*exec.Cmd, n)
	urls := make([]string, n)
	found := make(chan [2]any, n)
	for i := range n {
		cmd := coderemote(t, "serve", "--addr", "127.0.0.1:0")
		cmd.Env = append(cmd.Env, env...)
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		cmds[i] = cmd
		go func() {
			sc := bufio.NewScanner(stderr)
			re := regexp.MustCompile(`url=(http://\S+)`)
			for sc.Scan() {
				if m := re.FindStringSubmatch(sc.Text()); m != nil {
					found <- [2]any{i, m[1]}
				} else if strings.Contains(sc.Text(), "level=ERROR") {
					t.Logf("replica %d: %s", i, sc.Text())
				}
			}
		}()
	}
	timeout := time.After(90 * time.Second)
	for range n {
		select {
		case f := <-found:
			urls[f[0].(int)] = f[1].(string)
		case <-timeout:
			t.Fatal("replicas did not start")
		}
	}
	return cmds, urls
}

// roundRobin is a load balancer without sticky sessions: each request goes
// to the next replica that is not marked down (as a health check would).
type roundRobin struct {
	mu       sync.Mutex
	backends []*url.URL
	down     map[int]bool
	next     int
}

func newRoundRobin(urls []string) *roundRobin {
	p := &roundRobin{down: map[int]bool{}}
	for _, u := range urls {
		parsed, _ := url.Parse(u)
		p.backends = append(p.backends, parsed)
	}
	return p
}

func (p *roundRobin) markDown(i int) {
	p.mu.Lock()
	p.down[i] = true
	p.mu.Unlock()
}

func (p *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	var target *url.URL
	for range p.backends {
		i := p.next % len(p.backends)
		p.next++
		if !p.down[i] {
			target = p.backends[i]
			break
		}
	}
	p.mu.Unlock()
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0) // a killed replica's errors are expected
	rp.ServeHTTP(w, r)
}

func getJSON(t *testing.T, u, token string) (int, map[string]any) {
	t.Helper()
	return send(t, "GET", u, token, "")
}

// searchFinds reports whether a search on base for query lists title.
func searchFinds(t *testing.T, base, token, query, title string) bool {
	code, m := getJSON(t, base+"/search?q="+url.QueryEscape(query)+"&limit=50", token)
	if code != 200 {
		t.Fatalf("search on %s: %d %v", base, code, m)
	}
	for _, r := range m["results"].([]any) {
		if r.(map[string]any)["title"] == title {
			return true
		}
	}
	return false
}

// within polls cond until it holds or d has passed, and says how long it took.
func within(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(25 * time.Millisecond)
	}
	return time.Since(start)
}

func dialWS(t *testing.T, base string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(8 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func wsRecv(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var m map[string]any
	if err := wsjson.Read(ctx, c, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func connectionID(t *testing.T, c *websocket.Conn) string {
	t.Helper()
	if err := wsjson.Write(t.Context(), c, map[string]string{"action": "ping"}); err != nil {
		t.Fatal(err)
	}
	for {
		if m := wsRecv(t, c); m["type"] == "pong" {
			return m["connection_id"].(string)
		}
	}
}

// TestReplicasShareOneDatabase runs three replicas of the real binary on
// one PostgreSQL database behind a round-robin proxy, and checks that every
// feature gives the same answer whichever replica serves a request.
func TestReplicasShareOneDatabase(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	if dbURL == "" {
		t.Skip("needs PostgreSQL")
	}
	cmds, r := startReplicas(t, 3, replicaEnv(dbURL))
	lb := newRoundRobin(r)
	proxy := httptest.NewServer(lb)
	defer proxy.Close()

	// Register on one replica, sign in on another, use the token on the third.
	if code, m := postJSON(t, r[0]+"/auth/register", "", `{"email":"rep@example.com","password":"correct horse"}`); code != 201 {
		t.Fatalf("register: %d %v", code, m)
	}
	code, login := postJSON(t, r[1]+"/auth/login", "", `{"email":"rep@example.com","password":"correct horse"}`)
	if code != 200 {
		t.Fatalf("login on another replica: %d %v", code, login)
	}
	tok := login["token"].(string)
	if code, me := getJSON(t, r[2]+"/auth/me", tok); code != 200 || me["email"] != "rep@example.com" {
		t.Fatalf("me on a third replica: %d %v", code, me)
	}

	t.Run("a browser session minted by one replica is the same session on the others", func(t *testing.T) {
		res, err := http.Get(r[0] + "/")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "cr_session" {
				cookie = c
			}
		}
		if cookie == nil {
			t.Fatalf("no session cookie from the page: %v", res.Cookies())
		}
		var ids []any
		for _, base := range r {
			req, _ := http.NewRequest("GET", base+"/auth/session", nil)
			req.AddCookie(cookie)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			json.NewDecoder(res.Body).Decode(&m)
			res.Body.Close()
			if m["kind"] != "session" {
				t.Fatalf("%s does not take the cookie for a session: %v", base, m)
			}
			ids = append(ids, m["id"])
		}
		if ids[0] != ids[1] || ids[1] != ids[2] {
			t.Fatalf("three replicas, three sessions: %v", ids)
		}
	})

	t.Run("snippets search everywhere within 2s", func(t *testing.T) {
		code, s := postJSON(t, r[0]+"/snippets", tok, `{"title":"Walrus bisection","code":"def f(a, x):\n    lo, hi = 0, len(a) - 1\n    while lo <= hi:\n        m = (lo + hi) // 2\n        if a[m] == x:\n            return m\n        if a[m] < x:\n            lo = m + 1\n        else:\n            hi = m - 1\n    return -1\n"}`)
		if code != 201 {
			t.Fatalf("save: %d %v", code, s)
		}
		id := s["id"].(string)
		for _, other := range []string{r[1], r[2]} {
			took := within(t, 2*time.Second, "saved snippet found on "+other, func() bool { return searchFinds(t, other, tok, "walrus", "Walrus bisection") })
			t.Logf("found on %s after %v", other, took)
		}
		// Complexity: analysed on one replica, found by complexity on the others.
		code, an := postJSON(t, r[1]+"/analyze", tok, `{"code":`+quoteJSON(s["code"].(string))+`,"snippet_id":"`+id+`"}`)
		if code != 200 || an["time_complexity"] == nil {
			t.Fatalf("analyze: %d %v", code, an)
		}
		complexity := an["time_complexity"].(string)
		for _, other := range []string{r[2], r[0]} {
			within(t, 2*time.Second, "complexity search on "+other, func() bool {
				code, m := getJSON(t, other+"/search/complexity?complexity="+url.QueryEscape(complexity), tok)
				return code == 200 && m["total"] == 1.0
			})
		}
		// An edit on the third replica reaches the first two.
		if code, m := send(t, "PUT", r[2]+"/snippets/"+id, tok, `{"title":"Narwhal bisection"}`); code != 200 {
			t.Fatalf("edit: %d %v", code, m)
		}
		for _, other := range []string{r[0], r[1]} {
			within(t, 2*time.Second, "edit seen on "+other, func() bool {
				return searchFinds(t, other, tok, "narwhal", "Narwhal bisection") && !searchFinds(t, other, tok, "walrus", "Walrus bisection")
			})
		}
		// A delete on the first reaches the others.
		if code, m := send(t, "DELETE", r[0]+"/snippets/"+id, tok, ""); code != 204 && code != 200 {
			t.Fatalf("delete: %d %v", code, m)
		}
		for _, other := range []string{r[1], r[2]} {
			within(t, 2*time.Second, "delete seen on "+other, func() bool { return !searchFinds(t, other, tok, "narwhal", "Narwhal bisection") })
		}
	})

	t.Run("async run streams to a socket on another replica", func(t *testing.T) {
		ws := dialWS(t, r[0])
		connID := connectionID(t, ws)
		code, acc := postJSON(t, r[1]+"/execute/async", tok, `{"code":"import time\nfor i in range(3):\n    print('tick', i, flush=True)\n    time.sleep(0.2)\n","connection_id":"`+connID+`"}`)
		if code != 200 || acc["status"] != "queued" {
			t.Fatalf("execute/async on another replica: %d %v", code, acc)
		}
		jobID := acc["job_id"].(string)
		// While it runs, every replica knows the job.
		for _, base := range r {
			if code, j := getJSON(t, base+"/jobs/"+jobID, tok); code != 200 || j["job_id"] != jobID {
				t.Fatalf("job on %s while running: %d %v", base, code, j)
			}
		}
		var out strings.Builder
		var chunks int
		for {
			m := wsRecv(t, ws)
			if m["job_id"] != jobID {
				continue
			}
			if m["type"] == "execution_output" {
				out.WriteString(m["data"].(string))
				chunks++
			}
			if m["type"] == "execution_result" {
				if m["success"] != true || m["stdout"] != "tick 0\ntick 1\ntick 2\n" {
					t.Fatalf("result: %v", m)
				}
				break
			}
			if m["type"] == "execution_error" {
				t.Fatalf("error: %v", m)
			}
		}
		if out.String() != "tick 0\ntick 1\ntick 2\n" || chunks < 2 {
			t.Fatalf("streamed %q in %d chunks", out.String(), chunks)
		}
		for _, base := range r {
			within(t, 2*time.Second, "completed job on "+base, func() bool {
				code, j := getJSON(t, base+"/jobs/"+jobID, tok)
				res, _ := j["result"].(map[string]any)
				return code == 200 && j["status"] == "completed" && res["stdout"] == "tick 0\ntick 1\ntick 2\n"
			})
		}
		// The same ownership rules everywhere: another user does not see it.
		_, other := postJSON(t, r[2]+"/auth/register", "", `{"email":"other@example.com","password":"correct horse"}`)
		for _, base := range r {
			if code, _ := getJSON(t, base+"/jobs/"+jobID, other["token"].(string)); code != 404 {
				t.Fatalf("another user's job on %s: %d", base, code)
			}
		}
		// Analysis streams the same way.
		code, acc = postJSON(t, r[2]+"/analyze/async", tok, `{"code":"def g(n):\n    return sum(range(n))\n","connection_id":"`+connID+`"}`)
		if code != 200 {
			t.Fatalf("analyze/async on another replica: %d %v", code, acc)
		}
		for {
			m := wsRecv(t, ws)
			if m["job_id"] == acc["job_id"] && m["type"] == "analysis_stream_complete" {
				break
			}
			if m["type"] == "analysis_stream_error" {
				t.Fatalf("analysis: %v", m)
			}
		}
		// A connection id no replica holds is refused, after the others were asked.
		code, bad := postJSON(t, r[2]+"/execute/async", tok, `{"code":"print(1)","connection_id":"8e1e2f7c-0000-4000-8000-000000000000"}`)
		if code != 422 {
			t.Fatalf("unknown connection: %d %v", code, bad)
		}
		// Through the proxy: each request lands on the next replica.
		pws := dialWS(t, proxy.URL)
		pconn := connectionID(t, pws)
		for i := range 3 {
			code, acc := postJSON(t, proxy.URL+"/execute/async", tok, fmt.Sprintf(`{"code":"print(%d * 7)","connection_id":"%s"}`, i, pconn))
			if code != 200 {
				t.Fatalf("through the proxy: %d %v", code, acc)
			}
			for {
				m := wsRecv(t, pws)
				if m["job_id"] == acc["job_id"] && m["type"] == "execution_result" {
					if m["stdout"] != fmt.Sprintf("%d\n", i*7) {
						t.Fatalf("result through the proxy: %v", m)
					}
					break
				}
			}
		}
	})

	t.Run("SIGKILL of a replica while saving loses no index event", func(t *testing.T) {
		const n = 20
		titles := make([]string, n)
		var wg sync.WaitGroup
		saved := make(chan int, n)
		for i := range n {
			titles[i] = fmt.Sprintf("Capybara %c%c", 'a'+i, 'a'+i) // distinct words: "capybara aa", …
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := `{"title":"` + titles[i] + `","code":"print('capybara ` + titles[i][9:] + `')"}`
				for attempt := 0; ; attempt++ {
					req, _ := http.NewRequest("POST", proxy.URL+"/snippets", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+tok)
					res, err := http.DefaultClient.Do(req)
					if err == nil {
						res.Body.Close()
						if res.StatusCode == 201 {
							saved <- i
							return
						}
					}
					if attempt > 20 {
						t.Errorf("save %d never succeeded", i)
						return
					}
					time.Sleep(100 * time.Millisecond) // the balancer's retry
				}
			}()
		}
		// Kill the third replica as the saves arrive.
		<-saved
		<-saved
		cmds[2].Process.Kill()
		lb.markDown(2)
		wg.Wait()
		for _, base := range r[:2] {
			took := within(t, 40*time.Second, "all 20 searchable on "+base, func() bool {
				for _, title := range titles {
					if !searchFinds(t, base, tok, strings.ToLower(title), title) {
						return false
					}
				}
				return true
			})
			t.Logf("all %d found on %s after %v", n, base, took)
		}
	})
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
