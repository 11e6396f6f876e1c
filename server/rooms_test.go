package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/coderemote/coderemote/store"
	"github.com/coderemote/coderemote/store/storetest"
)

// roomClient is a member's connection in a test. The server never reads
// a Yjs update, so the tests send opaque bytes; the browser tests
// (ui/e2e/rooms.test.mjs) check what Yjs makes of them.
type roomClient struct {
	t       *testing.T
	c       *websocket.Conn
	welcome welcomeMessage
}

func joinRoom(t *testing.T, base, id, token, name string) *roomClient {
	t.Helper()
	rc, msg := dialRoom(t, base, id, token, name)
	if msg.Type != "welcome" {
		t.Fatalf("%s joined and got %+v", name, msg)
	}
	return rc
}

// dialRoom connects and says hello; it returns the first answer as a
// roomMessage (and a welcome in rc.welcome).
func dialRoom(t *testing.T, base, id, token, name string) (*roomClient, roomMessage) {
	t.Helper()
	return dialRoomWith(t, base, id, token, map[string]any{"type": "hello", "name": name, "client_id": len(name)})
}

// dialRoomWith connects and sends hello; it returns the first answer.
func dialRoomWith(t *testing.T, base, id, token string, hello map[string]any) (*roomClient, roomMessage) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(base, "http") + "/rooms/" + id + "/ws"
	if token != "" {
		url += "?token=" + token
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	c.SetReadLimit(64 << 20)
	t.Cleanup(func() { c.CloseNow() })
	rc := &roomClient{t: t, c: c}
	rc.sendJSON(hello)
	_, data, err := c.Read(ctx)
	if err != nil {
		return rc, roomMessage{Type: "closed", Detail: err.Error()}
	}
	var msg roomMessage
	json.Unmarshal(data, &msg)
	if msg.Type == "welcome" {
		json.Unmarshal(data, &rc.welcome)
	}
	return rc, msg
}

func (rc *roomClient) sendJSON(v any) {
	rc.t.Helper()
	b, _ := json.Marshal(v)
	rc.send(b)
}

func (rc *roomClient) send(b []byte) {
	rc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rc.c.Write(ctx, websocket.MessageText, b); err != nil {
		rc.t.Fatalf("write: %v", err)
	}
}

// await reads messages until one satisfies ok, within a deadline.
func (rc *roomClient) await(what string, ok func(roomMessage) bool) roomMessage {
	rc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		_, data, err := rc.c.Read(ctx)
		if err != nil {
			rc.t.Fatalf("waiting for %s: %v", what, err)
		}
		var msg roomMessage
		if err := json.Unmarshal(data, &msg); err != nil {
			rc.t.Fatalf("not JSON: %s", data)
		}
		if ok(msg) {
			return msg
		}
	}
}

func ofType(typ string) func(roomMessage) bool {
	return func(m roomMessage) bool { return m.Type == typ }
}

func update(b []byte) map[string]any {
	return map[string]any{"type": "update", "data": base64.StdEncoding.EncodeToString(b)}
}

// roomServer is a server with accounts on a backend, behind a real HTTP
// listener (WebSockets), and an owner's token and new room.
func roomServer(t *testing.T, db *store.DB, cfg Config) (base, owner, room string) {
	t.Helper()
	cfg.Auth.Secret = testSecret
	cfg.ExecuteRate, cfg.ExecuteBurst = 1<<20, 1<<20
	s := New(cfg, discardLog(), Deps{Runner: sharedPool(t), Store: db})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	owner = registerUser(t, s, "owner@example.com")
	code, m, _ := call(t, s, "POST", "/rooms", owner, "")
	if code != http.StatusCreated || !strings.HasPrefix(m["url"].(string), "/r/") || m["owner"] != true {
		t.Fatalf("POST /rooms: %d %v", code, m)
	}
	return srv.URL, owner, m["id"].(string)
}

func TestRoomRelaysEditsCursorsAndRuns(t *testing.T) {
	for name, db := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			base, owner, id := roomServer(t, db, Config{})
			ada := joinRoom(t, base, id, owner, "Ada")
			if !ada.welcome.Owner || ada.welcome.Mode != "open" || len(ada.welcome.Updates) != 0 {
				t.Fatalf("owner's welcome: %+v", ada.welcome)
			}
			bea := joinRoom(t, base, id, "", "Bea")
			if bea.welcome.Owner {
				t.Fatal("an anonymous visitor was told she owns the room")
			}
			ada.await("Bea among the members", func(m roomMessage) bool { return m.Type == "members" && len(m.Members) == 2 })

			ada.sendJSON(update([]byte("first")))
			got := bea.await("Ada's update", ofType("update"))
			if d, _ := base64.StdEncoding.DecodeString(got.Data); string(d) != "first" || got.Seq != 1 || got.From != ada.welcome.Member {
				t.Fatalf("Bea got %+v", got)
			}
			if ack := ada.await("the ack", ofType("ack")); ack.Seq != 1 {
				t.Fatalf("Ada's ack: %+v", ack)
			}
			bea.sendJSON(map[string]any{"type": "awareness", "data": base64.StdEncoding.EncodeToString([]byte("cursor"))})
			if aw := ada.await("Bea's cursor", ofType("awareness")); aw.From != bea.welcome.Member {
				t.Fatalf("awareness: %+v", aw)
			}
			bea.sendJSON(update([]byte("second")))
			ada.await("Bea's update", ofType("update"))

			// A newcomer gets the document as the log has it, in order, and
			// the cursors of those present.
			cy := joinRoom(t, base, id, "", "Cy")
			if w := cy.welcome; len(w.Updates) != 2 || w.LastSeq != 2 || len(w.Awareness) != 1 {
				t.Fatalf("Cy's welcome: %+v", w)
			}

			// A run started by Bea streams to everyone; its record is kept.
			bea.sendJSON(map[string]any{"type": "run", "code": "print(6 * 7)"})
			for _, who := range []*roomClient{ada, bea, cy} {
				out := who.await("the run's output", ofType("run_output"))
				if out.Data != "42\n" || out.From != bea.welcome.Member {
					t.Fatalf("run output: %+v", out)
				}
				rec := who.await("the run's record", ofType("run"))
				var run roomRun
				json.Unmarshal(rec.Run, &run)
				if run.Name != "Bea" || run.Stdout != "42\n" || !run.Success || run.Code != "print(6 * 7)" {
					t.Fatalf("run record: %s", rec.Run)
				}
			}
		})
	}
}

func TestRoomOwnerControls(t *testing.T) {
	db := storetest.SQLite(t, t.TempDir())
	base, owner, id := roomServer(t, db, Config{})
	ada := joinRoom(t, base, id, owner, "Ada")
	bea := joinRoom(t, base, id, "", "Bea")

	ada.sendJSON(map[string]any{"type": "mode", "mode": "readonly"})
	bea.await("read-only", func(m roomMessage) bool { return m.Type == "mode" && m.Mode == "readonly" })
	bea.sendJSON(update([]byte("not allowed")))
	if e := bea.await("the refusal", ofType("error")); e.Code != "update_refused" {
		t.Fatalf("Bea's edit in a read-only room: %+v", e)
	}
	ada.sendJSON(update([]byte("teacher")))
	bea.await("the teacher's edit", ofType("update"))

	bea.sendJSON(map[string]any{"type": "mode", "mode": "open"})
	if e := bea.await("the refusal", ofType("error")); e.Code != "forbidden" {
		t.Fatalf("a visitor changed the controls: %+v", e)
	}
	ada.sendJSON(map[string]any{"type": "mode", "mode": "single", "editor": bea.welcome.Member})
	bea.await("single", func(m roomMessage) bool { return m.Type == "mode" && m.Mode == "single" })
	bea.sendJSON(update([]byte("candidate")))
	ada.await("the candidate's edit", ofType("update"))

	// Playback: the owner reads the whole log; nobody else may.
	resp := getJSON(t, base+"/rooms/"+id+"/history", owner)
	var hist struct{ Events []historyEvent }
	json.Unmarshal(resp, &hist)
	kinds := []string{}
	for _, e := range hist.Events {
		kinds = append(kinds, e.Kind)
	}
	if strings.Join(kinds, ",") != "mode,update,mode,update" {
		t.Fatalf("history: %v", kinds)
	}
	if code := status(t, "GET", base+"/rooms/"+id+"/history", ""); code != http.StatusUnauthorized {
		t.Fatalf("history without an account: %d", code)
	}

	// Ending the room tells everyone and refuses newcomers; the log stays.
	if code := status(t, "DELETE", base+"/rooms/"+id, owner); code != http.StatusNoContent {
		t.Fatalf("DELETE: %d", code)
	}
	bea.await("the end", ofType("ended"))
	if _, msg := dialRoom(t, base, id, "", "Dee"); msg.Code != "room_ended" {
		t.Fatalf("joining an ended room: %+v", msg)
	}
	if len(getJSON(t, base+"/rooms/"+id+"/history", owner)) == 0 {
		t.Fatal("the ended room's history is gone")
	}
}

func TestRoomAbuse(t *testing.T) {
	db := storetest.SQLite(t, t.TempDir())
	base, owner, id := roomServer(t, db, Config{RoomSize: 3})
	ada := joinRoom(t, base, id, owner, "Ada")
	bea := joinRoom(t, base, id, "", "Bea")

	t.Run("oversized update", func(t *testing.T) {
		bea.sendJSON(update(make([]byte, roomMaxUpdate+1)))
		if e := bea.await("the refusal", ofType("error")); e.Code != "update_refused" || !strings.Contains(e.Detail, "at most") {
			t.Fatalf("got %+v", e)
		}
	})
	t.Run("a flood is cut to the rate; the others still get through", func(t *testing.T) {
		for range roomUpdateBurst + 40 {
			bea.sendJSON(update([]byte("x")))
		}
		bea.await("rate limiting", func(m roomMessage) bool { return m.Type == "error" && m.Code == "rate_limited" })
		ada.sendJSON(update([]byte("ada-during-flood")))
		bea.await("Ada's update", func(m roomMessage) bool {
			d, _ := base64.StdEncoding.DecodeString(m.Data)
			return m.Type == "update" && string(d) == "ada-during-flood"
		})
	})
	t.Run("a full room refuses the next one", func(t *testing.T) {
		joinRoom(t, base, id, "", "Cy")
		if _, msg := dialRoom(t, base, id, "", "Dee"); msg.Code != "room_full" {
			t.Fatalf("the fourth in a room of 3: %+v", msg)
		}
	})
	t.Run("a name is required", func(t *testing.T) {
		if _, msg := dialRoom(t, base, id, "", "   "); msg.Code != "invalid" {
			t.Fatalf("no name: %+v", msg)
		}
	})
	t.Run("not a room", func(t *testing.T) {
		if code := status(t, "GET", base+"/rooms/AAAAAAAAAAAA", ""); code != http.StatusNotFound {
			t.Fatalf("GET an unknown room: %d", code)
		}
	})
}

func TestRoomGarbageDisconnectsOnlyTheSender(t *testing.T) {
	db := storetest.SQLite(t, t.TempDir())
	base, owner, id := roomServer(t, db, Config{})
	ada := joinRoom(t, base, id, owner, "Ada")
	for _, bad := range []string{"not json", `{"type":"update","data":"%%%"}`, `{"type":"explode"}`, `[1,2,3]`} {
		m := joinRoom(t, base, id, "", "M")
		m.send([]byte(bad))
		if e := m.await("the disconnect", ofType("error")); e.Code != "bad_message" {
			t.Fatalf("%q: %+v", bad, e)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		for {
			if _, _, err := m.c.Read(ctx); err != nil {
				break
			}
		}
		cancel()
		ada.sendJSON(update([]byte("still here")))
		ada.await("the ack", ofType("ack"))
	}
}

func TestRoomExpires(t *testing.T) {
	db := storetest.SQLite(t, t.TempDir())
	base, owner, id := roomServer(t, db, Config{RoomIdle: time.Minute})
	joinRoom(t, base, id, owner, "Ada").sendJSON(update([]byte("x")))
	if code := status(t, "GET", base+"/rooms/"+id, ""); code != http.StatusOK {
		t.Fatalf("GET a fresh room: %d", code)
	}
	if n, err := db.ExpireRooms(context.Background(), time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("ExpireRooms: %d, %v", n, err)
	}
	if code := status(t, "GET", base+"/rooms/"+id, ""); code != http.StatusNotFound {
		t.Fatalf("GET an expired room: %d", code)
	}
}

// Two processes on one PostgreSQL database: a member on each edits,
// points and runs together.
func TestRoomAcrossReplicas(t *testing.T) {
	url := storetest.PostgresURL(t)
	if url == "" {
		t.Skip("no PostgreSQL")
	}
	var bases []string
	var owner, id string
	for i := range 2 {
		db, err := store.Open(context.Background(), url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		s := New(Config{Auth: AuthConfig{Secret: testSecret}, ExecuteRate: 1 << 20, ExecuteBurst: 1 << 20}, discardLog(),
			Deps{Runner: sharedPool(t), Store: db, Bus: db})
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		go db.Listen(ctx, []string{store.ChannelRoom}, s.Notified, nil)
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		bases = append(bases, srv.URL)
		if i == 0 {
			owner = registerUser(t, s, "owner@example.com")
			_, m, _ := call(t, s, "POST", "/rooms", owner, "")
			id = m["id"].(string)
		}
	}
	time.Sleep(300 * time.Millisecond) // both listening
	ada := joinRoom(t, bases[0], id, owner, "Ada")
	bea := joinRoom(t, bases[1], id, "", "Bea")
	ada.await("Bea, on the other process, among the members", func(m roomMessage) bool { return m.Type == "members" && len(m.Members) == 2 })
	ada.sendJSON(update([]byte("from one")))
	if got := bea.await("Ada's update", ofType("update")); got.Seq != 1 {
		t.Fatalf("got %+v", got)
	}
	bea.sendJSON(update([]byte("from two")))
	if got := ada.await("Bea's update", ofType("update")); got.Seq != 2 {
		t.Fatalf("got %+v", got)
	}
	bea.sendJSON(map[string]any{"type": "awareness", "data": base64.StdEncoding.EncodeToString([]byte("cursor"))})
	ada.await("Bea's cursor", ofType("awareness"))
	bea.sendJSON(map[string]any{"type": "run", "code": "print('across')"})
	if out := ada.await("the run's output", ofType("run_output")); out.Data != "across\n" {
		t.Fatalf("output: %+v", out)
	}
	ada.await("the run's record", ofType("run"))
}

func getJSON(t *testing.T, url, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s %v", url, resp.StatusCode, b, err)
	}
	return b
}

func status(t *testing.T, method, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func FuzzParseRoomMessage(f *testing.F) {
	for _, seed := range []string{`{"type":"update","data":"AAEC"}`, `{"type":"awareness","data":""}`, `{"type":"run","code":"print(1)"}`,
		`{"type":"mode","mode":"single","editor":"x"}`, `{"type":"snapshot","seq":3,"data":"AA=="}`, `not json`, `{"type":"update","data":"AA"}`, `[]`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, payload, why := parseRoomMessage(data)
		if why != "" {
			return
		}
		if !roomMessageTypes[msg.Type] {
			t.Fatalf("accepted type %q", msg.Type)
		}
		needs := msg.Type == "update" || msg.Type == "snapshot" || msg.Type == "awareness"
		if needs != (len(payload) > 0) {
			t.Fatalf("type %q with a payload of %d bytes", msg.Type, len(payload))
		}
	})
}

// A room keeps its document when everyone has left; after enough updates a
// member is asked for a snapshot, and a newcomer then gets the snapshot
// and only the updates after it.
func TestRoomKeepsItsDocumentAndCompacts(t *testing.T) {
	db := storetest.SQLite(t, t.TempDir())
	base, owner, id := roomServer(t, db, Config{})
	ada := joinRoom(t, base, id, owner, "Ada")
	var compact roomMessage
	for i := range roomCompactEvery + 5 {
		ada.sendJSON(update([]byte{byte(i), byte(i >> 8), 1}))
		msg := ada.await("the ack", func(m roomMessage) bool { return m.Type == "ack" || m.Type == "compact" })
		if msg.Type == "compact" {
			compact = msg
			ada.await("the ack", ofType("ack"))
		}
		time.Sleep(30 * time.Millisecond) // under the rate limit
	}
	if compact.Seq == 0 {
		t.Fatal("no member was asked for a snapshot")
	}
	ada.sendJSON(map[string]any{"type": "snapshot", "seq": compact.Seq, "data": base64.StdEncoding.EncodeToString([]byte("the whole document"))})
	ada.sendJSON(map[string]any{"type": "ping"})
	ada.await("the pong", ofType("pong"))
	ada.c.Close(websocket.StatusNormalClosure, "")

	bea := joinRoom(t, base, id, "", "Bea")
	snap, _ := base64.StdEncoding.DecodeString(bea.welcome.Snapshot)
	if string(snap) != "the whole document" || int64(len(bea.welcome.Updates)) != int64(roomCompactEvery+5)-compact.Seq {
		t.Fatalf("welcome after compaction: snapshot %q, %d updates, last seq %d", snap, len(bea.welcome.Updates), bea.welcome.LastSeq)
	}
	// The log is whole for playback.
	var hist struct{ Events []historyEvent }
	json.Unmarshal(getJSON(t, base+"/rooms/"+id+"/history", owner), &hist)
	if len(hist.Events) != roomCompactEvery+5 {
		t.Fatalf("history has %d events", len(hist.Events))
	}
}

// A member whose browser sends its key is the same member after a
// reconnection: the owner's "this member edits" holds, and the list has
// one entry for them.
func TestRoomMemberSurvivesReconnection(t *testing.T) {
	db := storetest.SQLite(t, t.TempDir())
	base, owner, id := roomServer(t, db, Config{})
	ada := joinRoom(t, base, id, owner, "Ada")
	hello := func(name, key string) *roomClient {
		rc, msg := dialRoomKey(t, base, id, name, key)
		if msg.Type != "welcome" {
			t.Fatalf("%s: %+v", name, msg)
		}
		return rc
	}
	key := "a-secret-key-of-this-browser-tab"
	bea := hello("Bea", key)
	members := ada.await("two members", func(m roomMessage) bool { return m.Type == "members" && len(m.Members) == 2 })
	var beaID string
	for _, m := range members.Members {
		if m.Name == "Bea" {
			beaID = m.ID
		}
	}
	ada.sendJSON(map[string]any{"type": "mode", "mode": "single", "editor": beaID})
	bea.await("single", ofType("mode"))

	// The connection drops; the tab reconnects with the same key.
	bea.c.CloseNow()
	again := hello("Bea", key)
	again.sendJSON(update([]byte("after the reconnection")))
	again.await("the ack (the edit was allowed)", ofType("ack"))
	time.Sleep(200 * time.Millisecond) // the old connection's leaving has been handled
	list := ada.await("two members", func(m roomMessage) bool { return m.Type == "members" && len(m.Members) == 2 })
	if a, b := list.Members[0], list.Members[1]; a.ID != beaID && b.ID != beaID {
		t.Fatalf("Bea's id changed: %+v, was %s", list.Members, beaID)
	}
	// Another key is another member.
	if _, msg := dialRoomKey(t, base, id, "Cy", "short"); msg.Code != "invalid" {
		t.Fatalf("a short key: %+v", msg)
	}
}

func dialRoomKey(t *testing.T, base, id, name, key string) (*roomClient, roomMessage) {
	t.Helper()
	return dialRoomWith(t, base, id, "", map[string]any{"type": "hello", "name": name, "client_id": 1, "key": key})
}
