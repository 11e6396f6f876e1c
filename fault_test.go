package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coderemote/coderemote/store/storetest"
)

// dbProxy stands between the server and PostgreSQL, and can refuse
// connections, black-hole them, or forward them.
type dbProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	mode   string // "forward", "refuse", "blackhole"
	ln     net.Listener
	conns  []net.Conn
}

func newDBProxy(t *testing.T, target string) *dbProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dbProxy{t: t, addr: ln.Addr().String(), target: target, mode: "refuse"}
	ln.Close() // refusing: nothing listens
	t.Cleanup(func() { p.set("refuse") })
	return p
}

func (p *dbProxy) set(mode string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	if p.ln != nil && mode == "refuse" {
		p.ln.Close()
		p.ln = nil
	}
	p.mode = mode
	if mode != "refuse" && p.ln == nil {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			p.t.Fatal(err)
		}
		p.ln = ln
		go p.accept(ln)
	}
}

func (p *dbProxy) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		mode := p.mode
		p.conns = append(p.conns, c)
		p.mu.Unlock()
		if mode == "blackhole" {
			continue // accepted, never answered
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, up)
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

func getWithToken(t *testing.T, url, token string) int {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	client := http.Client{Timeout: 30 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestDatabaseOutages: the server waits for a database that is not up yet;
// while it is down (refusing, then black-holed) signed-in requests get 503
// within 5 s, anonymous runs go on, and a signed-in user's run goes on with
// the user as last seen; it recovers without a restart.
func TestDatabaseOutages(t *testing.T) {
	pgURL := storetest.PostgresURL(t)
	if pgURL == "" {
		t.Skip("no PostgreSQL")
	}
	u, err := url.Parse(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newDBProxy(t, u.Host)
	u.Host = proxy.addr
	q := u.Query()
	q.Set("connect_timeout", "3")
	u.RawQuery = q.Encode()
	go func() { time.Sleep(2 * time.Second); proxy.set("forward") }() // the database comes up late
	_, base := startServe(t, "DATABASE_URL="+u.String(), "CR_WORKERS=1", "CR_DB_WAIT=30s")
	code, reg := postJSON(t, base+"/auth/register", "", `{"email":"`+strings.ToLower(t.Name())+`-`+time.Now().Format("150405.000")+`@example.com","password":"correct horse"}`)
	if code != 201 {
		t.Fatalf("register: %d %v", code, reg)
	}
	token := reg["token"].(string)
	for _, mode := range []string{"refuse", "blackhole"} {
		proxy.set(mode)
		start := time.Now()
		if code := getWithToken(t, base+"/auth/me", token); code != http.StatusServiceUnavailable {
			t.Fatalf("%s: signed-in request got %d, want 503", mode, code)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("%s: the 503 took %s", mode, took)
		}
		if res, err := postExecute(base, "print('still here')", 10); err != nil || res["stdout"] != "still here\n" {
			t.Fatalf("%s: anonymous run: %v %v", mode, res, err)
		}
		// A signed-in run goes on with the user as last seen; snippets wait.
		start = time.Now()
		code, res := postJSON(t, base+"/execute", token, `{"code":"print('signed in')"}`)
		if code != http.StatusOK || res["stdout"] != "signed in\n" {
			t.Fatalf("%s: signed-in run: %d %v", mode, code, res)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Logf("%s: the signed-in run took %s (the user lookup waits up to 4 s)", mode, took)
		}
		if code := getWithToken(t, base+"/snippets", token); code != http.StatusServiceUnavailable {
			t.Fatalf("%s: snippets got %d, want 503", mode, code)
		}
		proxy.set("forward")
		deadline := time.Now().Add(15 * time.Second)
		for getWithToken(t, base+"/auth/me", token) != http.StatusOK {
			if time.Now().After(deadline) {
				t.Fatalf("after %s: no recovery", mode)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// TestDiskFull: with the data directory's filesystem full, writes get 507
// with a clear message, reads go on, /health says the store is degraded,
// and writes work again once there is room.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).Run(); err != nil {
		t.Skipf("cannot mount a small filesystem here: %v", err)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	_, base := startServe(t, "CR_DATA_DIR="+dir, "DATABASE_URL=", "CR_WORKERS=1", "CR_RATE_WORK_BURST=1000")
	code, reg := postJSON(t, base+"/auth/register", "", `{"email":"full@example.com","password":"correct horse"}`)
	if code != 201 {
		t.Fatalf("register: %d %v", code, reg)
	}
	token := reg["token"].(string)
	filler := filepath.Join(dir, "filler")
	exec.Command("dd", "if=/dev/zero", "of="+filler, "bs=64k").Run() // until the disk is full
	big := strings.Repeat("x = 1\n", 8000)
	body, _ := json.Marshal(map[string]string{"title": "big", "code": big})
	var last int
	for range 200 { // SQLite may still have a few free pages: fill them
		code, m := postJSON(t, base+"/snippets", token, string(body))
		last = code
		if code == http.StatusInsufficientStorage {
			if !strings.Contains(fmt.Sprint(m["detail"]), "storage is full") {
				t.Fatalf("507 without a clear message: %v", m)
			}
			break
		}
		if code != 201 {
			t.Fatalf("save on a full disk: %d %v, want 507", code, m)
		}
	}
	if last != http.StatusInsufficientStorage {
		t.Fatalf("the disk never filled up (last status %d)", last)
	}
	if code := getWithToken(t, base+"/auth/me", token); code != 200 {
		t.Fatalf("reads on a full disk: %d", code)
	}
	res, err := http.Get(base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	var health map[string]any
	json.NewDecoder(res.Body).Decode(&health)
	res.Body.Close()
	if health["status"] != "degraded" || !strings.Contains(fmt.Sprint(health["checks"]), "storage full") {
		t.Fatalf("health on a full disk: %v", health)
	}
	os.Remove(filler)
	if code, m := postJSON(t, base+"/snippets", token, `{"title":"small","code":"print(1)"}`); code != 201 {
		t.Fatalf("save after freeing space: %d %v", code, m)
	}
}
