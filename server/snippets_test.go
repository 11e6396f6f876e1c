package server

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSnippetAPI(t *testing.T) {
	forEachBackend(t, Config{}, func(t *testing.T, s *Server) {
		tok := registerUser(t, s, "a@example.com")
		code, created, _ := call(t, s, "POST", "/snippets", tok, `{"code":"print('hi')","title":"Greeting","description":"says hi"}`)
		if code != 201 || created["language"] != "python" || created["is_starred"] != false || created["execution_count"] != 0.0 ||
			created["code"] != "print('hi')" || created["last_execution_at"] != nil || created["time_complexity"] != nil {
			t.Fatalf("create: %d %v", code, created)
		}
		id := created["id"].(string)
		for _, f := range []string{"id", "title", "language", "code", "description", "execution_count", "is_starred",
			"time_complexity", "space_complexity", "last_execution_at", "created_at", "updated_at"} {
			if _, ok := created[f]; !ok {
				t.Fatalf("snippet lacks %s", f)
			}
		}
		if code, got, _ := call(t, s, "GET", "/snippets/"+id, tok, ""); code != 200 || got["title"] != "Greeting" {
			t.Fatalf("get: %d %v", code, got)
		}
		// Partial update: absent fields stay, null clears.
		code, upd, _ := call(t, s, "PUT", "/snippets/"+id, tok, `{"description":null,"code":"print('hello')"}`)
		if code != 200 || upd["description"] != nil || upd["title"] != "Greeting" || upd["code"] != "print('hello')" {
			t.Fatalf("update: %d %v", code, upd)
		}
		if code, upd, _ = call(t, s, "PUT", "/snippets/"+id, tok, `{"is_starred":true}`); code != 200 || upd["is_starred"] != true {
			t.Fatalf("star: %d %v", code, upd)
		}
		if code, upd, _ = call(t, s, "PUT", "/snippets/"+id, tok, `{"title":null}`); code != 200 || upd["title"] != nil {
			t.Fatalf("clear title: %d %v", code, upd)
		}
		// Running with snippet_id counts the run.
		if code, res, _ := call(t, s, "POST", "/execute", tok, `{"code":"print(1)","snippet_id":"`+id+`"}`); code != 200 || res["success"] != true {
			t.Fatalf("execute: %d %v", code, res)
		}
		_, got, _ := call(t, s, "GET", "/snippets/"+id, tok, "")
		if got["execution_count"] != 1.0 || got["last_execution_at"] == nil {
			t.Fatalf("after a run: %v", got)
		}
		code, list, _ := call(t, s, "GET", "/snippets", tok, "")
		items := list["items"].([]any)
		if code != 200 || list["total"] != 1.0 || list["limit"] != 50.0 || list["offset"] != 0.0 || len(items) != 1 {
			t.Fatalf("list: %d %v", code, list)
		}
		if _, hasCode := items[0].(map[string]any)["code"]; hasCode {
			t.Fatalf("list items are summaries, without code: %v", items[0])
		}
		code, del, _ := call(t, s, "DELETE", "/snippets/"+id, tok, "")
		if code != 200 || del["deleted"] != true || del["id"] != id {
			t.Fatalf("delete: %d %v", code, del)
		}
		if code, _, _ := call(t, s, "GET", "/snippets/"+id, tok, ""); code != 404 {
			t.Fatalf("after delete: %d", code)
		}
	})
}

func TestSnippetListing(t *testing.T) {
	forEachBackend(t, Config{}, func(t *testing.T, s *Server) {
		tok := registerUser(t, s, "a@example.com")
		for i := range 7 {
			body := fmt.Sprintf(`{"code":"x = %d","title":"Snippet %d","description":"%s"}`, i, i, map[bool]string{true: "sorting", false: "misc"}[i%2 == 0])
			if code, m, _ := call(t, s, "POST", "/snippets", tok, body); code != 201 {
				t.Fatalf("create: %d %v", code, m)
			}
			time.Sleep(2 * time.Millisecond)
		}
		_, page, _ := call(t, s, "GET", "/snippets?limit=3&offset=2", tok, "")
		titles := func(m map[string]any) string {
			var out []string
			for _, it := range m["items"].([]any) {
				out = append(out, it.(map[string]any)["title"].(string))
			}
			return strings.Join(out, ",")
		}
		if page["total"] != 7.0 || titles(page) != "Snippet 4,Snippet 3,Snippet 2" {
			t.Fatalf("page: %v", page)
		}
		if _, m, _ := call(t, s, "GET", "/snippets?q=SORT", tok, ""); m["total"] != 4.0 {
			t.Fatalf("q: %v", m)
		}
		if _, m, _ := call(t, s, "GET", "/snippets?sort=title&limit=2", tok, ""); titles(m) != "Snippet 0,Snippet 1" {
			t.Fatalf("sort=title: %v", m)
		}
		if _, m, _ := call(t, s, "GET", "/snippets?starred=true", tok, ""); m["total"] != 0.0 {
			t.Fatalf("starred: %v", m)
		}
	})
}

func TestSnippetValidation(t *testing.T) {
	s := accountServers(t, Config{})["sqlite"]
	tok := registerUser(t, s, "a@example.com")
	_, created, _ := call(t, s, "POST", "/snippets", tok, `{"code":"1"}`)
	id := created["id"].(string)
	for _, tc := range []struct {
		name, method, path, body string
		wantStatus               int
		wantCode, wantDetail     string
	}{
		{"no code", "POST", "/snippets", `{"title":"x"}`, 422, "invalid", "code is required"},
		{"empty code", "POST", "/snippets", `{"code":""}`, 422, "invalid", "code"},
		{"code too long", "POST", "/snippets", `{"code":"` + strings.Repeat("é", 50001) + `"}`, 413, "too_large", "50000"},
		{"code of 50000 characters is fine", "POST", "/snippets", `{"code":"` + strings.Repeat("é", 50000) + `"}`, 201, "", ""},
		{"title too long", "POST", "/snippets", `{"code":"1","title":"` + strings.Repeat("t", 256) + `"}`, 422, "invalid", "title must be at most 255"},
		{"language too long", "POST", "/snippets", `{"code":"1","language":"` + strings.Repeat("l", 51) + `"}`, 422, "invalid", "language"},
		{"description too long", "POST", "/snippets", `{"code":"1","description":"` + strings.Repeat("d", 2001) + `"}`, 422, "invalid", "description must be at most 2000"},
		{"wrong type", "POST", "/snippets", `{"code":"1","is_starred":"yes"}`, 400, "bad_request", "is_starred"},
		{"limit 0", "GET", "/snippets?limit=0", "", 422, "invalid", "limit must be a whole number from 1 to 100"},
		{"limit 101", "GET", "/snippets?limit=101", "", 422, "invalid", "limit"},
		{"negative offset", "GET", "/snippets?offset=-1", "", 422, "invalid", "offset"},
		{"bad sort", "GET", "/snippets?sort=size", "", 422, "invalid", "sort"},
		{"bad starred", "GET", "/snippets?starred=maybe", "", 422, "invalid", "starred"},
		{"null code", "PUT", "/snippets/" + id, `{"code":null}`, 422, "invalid", "code cannot be null"},
		{"null star", "PUT", "/snippets/" + id, `{"is_starred":null}`, 400, "bad_request", "is_starred"},
		{"update title too long", "PUT", "/snippets/" + id, `{"title":"` + strings.Repeat("t", 256) + `"}`, 422, "invalid", "title"},
		{"not a uuid", "GET", "/snippets/123", "", 404, "not_found", "not found"},
		{"unknown", "GET", "/snippets/" + newUUID(), "", 404, "not_found", "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, m, _ := call(t, s, tc.method, tc.path, tok, tc.body)
			if code != tc.wantStatus || (tc.wantCode != "" && (m["code"] != tc.wantCode || !strings.Contains(m["detail"].(string), tc.wantDetail))) {
				t.Fatalf("got %d %v", code, m)
			}
		})
	}
}

// TestSnippetsAreIsolated checks every snippet endpoint against another
// user's snippet, and without a token.
func TestSnippetsAreIsolated(t *testing.T) {
	forEachBackend(t, Config{}, func(t *testing.T, s *Server) {
		alice, bob := registerUser(t, s, "alice@example.com"), registerUser(t, s, "bob@example.com")
		_, created, _ := call(t, s, "POST", "/snippets", alice, `{"code":"secret = 42","title":"Alice's"}`)
		id := created["id"].(string)
		for _, tc := range []struct{ method, path, body string }{
			{"GET", "/snippets/" + id, ""},
			{"PUT", "/snippets/" + id, `{"title":"mine now"}`},
			{"PUT", "/snippets/" + id, `{"is_starred":true}`},
			{"DELETE", "/snippets/" + id, ""},
		} {
			if code, m, _ := call(t, s, tc.method, tc.path, bob, tc.body); code != 404 || m["code"] != "not_found" {
				t.Fatalf("bob %s %s: %d %v", tc.method, tc.path, code, m)
			}
			if code, _, _ := call(t, s, tc.method, tc.path, "", tc.body); code != 401 {
				t.Fatalf("anonymous %s %s: %d", tc.method, tc.path, code)
			}
		}
		if _, m, _ := call(t, s, "GET", "/snippets?q=Alice", bob, ""); m["total"] != 0.0 {
			t.Fatalf("bob lists alice's snippet: %v", m)
		}
		if code, _, _ := call(t, s, "GET", "/snippets", "", ""); code != 401 {
			t.Fatalf("anonymous list: %d", code)
		}
		if code, _, _ := call(t, s, "POST", "/snippets", "", `{"code":"1"}`); code != 401 {
			t.Fatalf("anonymous create: %d", code)
		}
		// Bob running with Alice's snippet id runs his code and leaves hers alone.
		if code, _, _ := call(t, s, "POST", "/execute", bob, `{"code":"print(1)","snippet_id":"`+id+`"}`); code != 200 {
			t.Fatalf("bob execute: %d", code)
		}
		_, got, _ := call(t, s, "GET", "/snippets/"+id, alice, "")
		if got["title"] != "Alice's" || got["execution_count"] != 0.0 || got["is_starred"] != false {
			t.Fatalf("alice's snippet changed: %v", got)
		}
		// Bob cannot read Alice's job either.
		_, res, _ := call(t, s, "POST", "/execute", alice, `{"code":"print('alice')"}`)
		if code, _, _ := call(t, s, "GET", "/jobs/"+res["job_id"].(string), bob, ""); code != 404 {
			t.Fatalf("bob reads alice's job: %d", code)
		}
		if code, _, _ := call(t, s, "GET", "/jobs/"+res["job_id"].(string), alice, ""); code != 200 {
			t.Fatalf("alice reads her job: %d", code)
		}
	})
}

func TestRequireAccount(t *testing.T) {
	s := accountServers(t, Config{RequireAccount: true})["sqlite"]
	if code, m, _ := call(t, s, "POST", "/execute", "", `{"code":"1"}`); code != 401 || m["code"] != "unauthorized" {
		t.Fatalf("anonymous: %d %v", code, m)
	}
	tok := registerUser(t, s, "a@example.com")
	if code, _, _ := call(t, s, "POST", "/execute", tok, `{"code":"1"}`); code != 200 {
		t.Fatalf("signed in: %d", code)
	}
}

// TestPublicSnippets: an owner can make a snippet public (anyone may then
// read its program, not its owner or statistics) and private again; no one
// else can change that, and a private snippet looks like a missing one.
func TestPublicSnippets(t *testing.T) {
	forEachBackend(t, Config{}, func(t *testing.T, s *Server) {
		alice, bob := registerUser(t, s, "alice@example.com"), registerUser(t, s, "bob@example.com")
		_, created, _ := call(t, s, "POST", "/snippets", alice, `{"code":"print('shared')","title":"Notes","description":"mine"}`)
		id := created["id"].(string)
		if created["is_public"] != false {
			t.Fatalf("a new snippet is private: %v", created)
		}
		private := func(when string) {
			t.Helper()
			for _, tok := range []string{"", bob, alice} {
				if code, m, _ := call(t, s, "GET", "/public/snippets/"+id, tok, ""); code != 404 || m["code"] != "not_found" {
					t.Fatalf("%s: a private snippet was served: %d %v", when, code, m)
				}
			}
		}
		private("new")
		// Only the owner makes it public.
		if code, _, _ := call(t, s, "PUT", "/snippets/"+id, bob, `{"is_public":true}`); code != 404 {
			t.Fatalf("bob made alice's snippet public: %d", code)
		}
		private("after bob tried")
		for _, bad := range []string{`{"is_public":"yes"}`, `{"is_public":null}`, `{"is_public":1}`} {
			if code, m, _ := call(t, s, "PUT", "/snippets/"+id, alice, bad); code != 400 || !strings.Contains(fmt.Sprint(m["detail"]), "is_public") {
				t.Fatalf("%s: %d %v", bad, code, m)
			}
		}
		if code, upd, _ := call(t, s, "PUT", "/snippets/"+id, alice, `{"is_public":true}`); code != 200 || upd["is_public"] != true {
			t.Fatalf("make public: %d %v", code, upd)
		}
		code, pub, hdr := call(t, s, "GET", "/public/snippets/"+id, "", "")
		if code != 200 || pub["code"] != "print('shared')" || pub["title"] != "Notes" || pub["url"] != "/p/"+id || hdr.Get("Cache-Control") != "no-cache" {
			t.Fatalf("public, anonymous: %d %v %v", code, pub, hdr)
		}
		for _, f := range []string{"user_id", "execution_count", "last_execution_at", "is_starred", "created_at"} {
			if _, leaked := pub[f]; leaked {
				t.Fatalf("the public view shows %s: %v", f, pub)
			}
		}
		// Edits show through; the owner's list says it is public.
		call(t, s, "PUT", "/snippets/"+id, alice, `{"code":"print('edited')"}`)
		if _, pub, _ = call(t, s, "GET", "/public/snippets/"+id, bob, ""); pub["code"] != "print('edited')" {
			t.Fatalf("after an edit: %v", pub)
		}
		if _, list, _ := call(t, s, "GET", "/snippets", alice, ""); list["items"].([]any)[0].(map[string]any)["is_public"] != true {
			t.Fatalf("list: %v", list)
		}
		if code, upd, _ := call(t, s, "PUT", "/snippets/"+id, alice, `{"is_public":false}`); code != 200 || upd["is_public"] != false {
			t.Fatalf("make private: %d %v", code, upd)
		}
		private("made private again")
		for _, p := range []string{"/public/snippets/not-a-uuid", "/public/snippets/00000000-0000-4000-8000-000000000000"} {
			if code, _, _ := call(t, s, "GET", p, "", ""); code != 404 {
				t.Fatalf("%s: %d", p, code)
			}
		}
	})
}
