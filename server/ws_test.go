package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

type wsClient struct {
	t    *testing.T
	c    *websocket.Conn
	base string
}

func dialWS(t *testing.T, srv *httptest.Server) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t: t, c: c, base: srv.URL}
}

func (w *wsClient) send(v any) {
	w.t.Helper()
	if err := wsjson.Write(w.t.Context(), w.c, v); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wsClient) recv() map[string]any {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.t.Context(), 20*time.Second)
	defer cancel()
	var m map[string]any
	if err := wsjson.Read(ctx, w.c, &m); err != nil {
		w.t.Fatalf("read: %v", err)
	}
	return m
}

// until reads messages until one of type typ arrives, returning it and the
// ones before it.
func (w *wsClient) until(typ string) (map[string]any, []map[string]any) {
	w.t.Helper()
	var before []map[string]any
	for {
		m := w.recv()
		if m["type"] == typ {
			return m, before
		}
		before = append(before, m)
	}
}

func (w *wsClient) jobStatus(id string) string {
	res, err := http.Get(w.base + "/jobs/" + id)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var j jobView
	json.NewDecoder(res.Body).Decode(&j)
	return j.Status
}

func TestWebSocketPing(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t, Config{}))
	defer srv.Close()
	w := dialWS(t, srv)
	w.send(map[string]string{"action": "ping"})
	m := w.recv()
	if m["type"] != "pong" || !isUUID(m["connection_id"].(string)) {
		t.Fatalf("got %v", m)
	}
}

func TestWebSocketStreamsOutputBeforeTheProgramEnds(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t, Config{}))
	defer srv.Close()
	w := dialWS(t, srv)
	const id = "11111111-2222-4333-8444-555555555555"
	w.send(map[string]any{"action": "execute", "job_id": id, "code": "import time\nprint('first')\ntime.sleep(0.5)\nprint('second')"})
	if m := w.recv(); m["type"] != "execution_started" || m["job_id"] != id {
		t.Fatalf("got %v", m)
	}
	m := w.recv()
	if m["type"] != "execution_output" || m["data"] != "first\n" || m["stream"] != "stdout" || m["job_id"] != id {
		t.Fatalf("got %v", m)
	}
	// The first chunk is here while the program is still sleeping.
	if st := w.jobStatus(id); st != "running" {
		t.Fatalf("job status %q when the first chunk arrived, want running", st)
	}
	res, before := w.until("execution_result")
	if len(before) != 1 || before[0]["data"] != "second\n" {
		t.Fatalf("got %v before the result", before)
	}
	if res["success"] != true || res["stdout"] != "first\nsecond\n" || res["job_id"] != id {
		t.Fatalf("got %v", res)
	}
}

func TestWebSocketInteractiveStdin(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t, Config{}))
	defer srv.Close()
	w := dialWS(t, srv)
	const id = "21111111-2222-4333-8444-555555555555"
	w.send(map[string]any{"action": "execute", "job_id": id, "stdin": "Ada\n",
		"code": "a = input('first? ')\nb = input('second? ')\nprint(a, b)\ntry:\n    input()\nexcept EOFError:\n    print('eof')"})
	_, before := w.until("execution_waiting_input")
	var streamed string
	for _, m := range before {
		if m["type"] == "execution_output" {
			streamed += m["data"].(string)
		}
	}
	if streamed != "first? second? " {
		t.Fatalf("streamed %q before waiting", streamed)
	}
	w.send(map[string]any{"action": "stdin", "job_id": id, "data": "Bob\n"})
	w.until("execution_waiting_input")
	w.send(map[string]any{"action": "stdin", "job_id": id, "eof": true})
	res, _ := w.until("execution_result")
	if res["stdout"] != "first? second? Ada Bob\neof\n" {
		t.Fatalf("got %q", res["stdout"])
	}
}

func TestWebSocketCancel(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t, Config{}))
	defer srv.Close()
	w := dialWS(t, srv)
	const id = "31111111-2222-4333-8444-555555555555"
	w.send(map[string]any{"action": "execute", "job_id": id, "code": "print('go', flush=True)\nwhile True: pass", "timeout_seconds": 20})
	w.until("execution_output")
	w.send(map[string]any{"action": "cancel", "job_id": id})
	res, _ := w.until("execution_result")
	if res["error_type"] != "Cancelled" || res["stdout"] != "go\n" {
		t.Fatalf("got %v", res)
	}
}

func TestWebSocketBadMessages(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t, Config{MaxCodeBytes: 10}))
	defer srv.Close()
	w := dialWS(t, srv)
	for _, tc := range []struct {
		msg, wantCode, wantDetail string
	}{
		{`{"action":`, "bad_request", "not valid JSON"},
		{`{"action":"fly"}`, "bad_request", "unknown action"},
		{`{"action":"execute","code":12}`, "bad_request", "code must be a string"},
		{`{"action":"execute","code":"print(1234567890)"}`, "too_large", "limit of 10 bytes"},
		{`{"action":"execute","code":"1","job_id":"x"}`, "invalid", "job_id must be a UUID"},
		{`{"action":"stdin","job_id":"41111111-2222-4333-8444-555555555555","data":"x"}`, "not_found", "no running job"},
		{`{"action":"cancel","job_id":"41111111-2222-4333-8444-555555555555"}`, "not_found", "no running job"},
	} {
		w.c.Write(t.Context(), websocket.MessageText, []byte(tc.msg))
		m := w.recv()
		if m["type"] != "error" || m["code"] != tc.wantCode || !strings.Contains(m["detail"].(string), tc.wantDetail) {
			t.Fatalf("%s: got %v", tc.msg, m)
		}
	}
	// The connection survives bad messages.
	w.send(map[string]string{"action": "ping"})
	if m := w.recv(); m["type"] != "pong" {
		t.Fatalf("got %v", m)
	}
}

func TestExecuteAsyncDeliversOverWebSocket(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t, Config{}))
	defer srv.Close()
	w := dialWS(t, srv)
	w.send(map[string]string{"action": "ping"})
	conn := w.recv()["connection_id"].(string)
	res, err := http.Post(srv.URL+"/execute/async", "application/json",
		strings.NewReader(`{"code":"print(input())","stdin":"via http\n","connection_id":"`+conn+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var accepted asyncAccepted
	json.NewDecoder(res.Body).Decode(&accepted)
	res.Body.Close()
	if res.StatusCode != 200 || accepted.Status != "queued" || !isUUID(accepted.JobID) {
		t.Fatalf("got %d %+v", res.StatusCode, accepted)
	}
	result, _ := w.until("execution_result")
	if result["job_id"] != accepted.JobID || result["stdout"] != "via http\n" {
		t.Fatalf("got %v", result)
	}
}

func TestShutdownCancelsRunsWithAResult(t *testing.T) {
	s := newTestServer(t, Config{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	w := dialWS(t, srv)
	const id = "51111111-2222-4333-8444-555555555555"
	w.send(map[string]any{"action": "execute", "job_id": id, "code": "print('x', flush=True)\nwhile True: pass", "timeout_seconds": 20})
	w.until("execution_output")
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	go s.Shutdown(ctx)
	res, _ := w.until("execution_result")
	if res["error_type"] != "Cancelled" {
		t.Fatalf("got %v", res)
	}
	rec := httptest.NewRecorder()
	time.Sleep(50 * time.Millisecond)
	s.ServeHTTP(rec, jsonRequest("POST", "/execute", `{"code":"1"}`))
	if rec.Code != 503 {
		t.Fatalf("after shutdown: got %d", rec.Code)
	}
}

func TestWebSocketAuth(t *testing.T) {
	s := accountServers(t, Config{RequireAccount: true})["sqlite"]
	srv := httptest.NewServer(s)
	defer srv.Close()
	tok := registerUser(t, s, "ws@example.com")
	_, created, _ := call(t, s, "POST", "/snippets", tok, `{"code":"print(1)"}`)
	id := created["id"].(string)

	// Anonymous: runs are refused on this server.
	w := dialWS(t, srv)
	w.send(map[string]any{"action": "execute", "code": "print(1)"})
	if m, _ := w.until("error"); m["code"] != "unauthorized" {
		t.Fatalf("got %v", m)
	}
	// Signing in with a message.
	w.send(map[string]any{"action": "auth", "token": "bad"})
	if m, _ := w.until("error"); m["code"] != "unauthorized" {
		t.Fatalf("got %v", m)
	}
	w.send(map[string]any{"action": "auth", "token": tok})
	if m, _ := w.until("auth_ok"); m["user"].(map[string]any)["email"] != "ws@example.com" {
		t.Fatalf("got %v", m)
	}
	w.send(map[string]any{"action": "execute", "code": "print(2)", "snippet_id": id})
	if res, _ := w.until("execution_result"); res["stdout"] != "2\n" {
		t.Fatalf("got %v", res)
	}
	_, got, _ := call(t, s, "GET", "/snippets/"+id, tok, "")
	if got["execution_count"] != 1.0 {
		t.Fatalf("run not counted: %v", got)
	}

	// Signing in with ?token=, and a bad one is refused at the handshake.
	ctx := t.Context()
	base := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws?token="
	if _, res, err := websocket.Dial(ctx, base+"bad", nil); err == nil || res.StatusCode != 401 {
		t.Fatalf("bad token: %v %v", err, res)
	}
	c, _, err := websocket.Dial(ctx, base+tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	w2 := &wsClient{t: t, c: c, base: srv.URL}
	w2.send(map[string]any{"action": "execute", "code": "print(3)"})
	if res, _ := w2.until("execution_result"); res["stdout"] != "3\n" {
		t.Fatalf("got %v", res)
	}
}

func TestAnalyzeAsyncStreamsOverWebSocket(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t, Config{}))
	defer srv.Close()
	w := dialWS(t, srv)
	w.send(map[string]string{"action": "ping"})
	conn := w.recv()["connection_id"].(string)
	res, err := http.Post(srv.URL+"/analyze/async", "application/json",
		strings.NewReader(`{"code":"def f(a):\n    return sorted(a)","connection_id":"`+conn+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var accepted map[string]string
	json.NewDecoder(res.Body).Decode(&accepted)
	res.Body.Close()
	if accepted["status"] != "streaming" || !isUUID(accepted["job_id"]) {
		t.Fatalf("got %v", accepted)
	}
	start, _ := w.until("analysis_stream_start")
	if start["job_id"] != accepted["job_id"] {
		t.Fatalf("start %v", start)
	}
	done, chunks := w.until("analysis_stream_complete")
	var narrative string
	for _, c := range chunks {
		if c["type"] != "analysis_stream_chunk" {
			t.Fatalf("unexpected %v", c)
		}
		narrative += c["chunk"].(string)
	}
	result := done["result"].(map[string]any)
	if len(chunks) < 2 || narrative != result["narrative"] || result["time_complexity"] != "O(n log n)" {
		t.Fatalf("%d chunks, result %v", len(chunks), result)
	}
}
