package server

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coderemote/coderemote/graph"
	"github.com/coderemote/coderemote/store/storetest"
)

type openAPIOp struct {
	Security    []map[string]any `json:"security"`
	RequestBody *struct {
		Content map[string]struct {
			Example any `json:"example"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct {
			Example any `json:"example"`
		} `json:"content"`
	} `json:"responses"`
}

func loadOpenAPI(t *testing.T) map[string]map[string]json.RawMessage {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	return doc.Paths
}

// TestOpenAPIDocumentsEveryRoute: each route the server registers (with
// accounts, search and the UI: all of them) is in /openapi.json, and each
// documented operation is a route.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	paths := loadOpenAPI(t)
	s := New(Config{UI: fstestUI(), Auth: AuthConfig{Secret: testSecret}}, discardLog(), Deps{Runner: sharedPool(t), Store: storetest.SQLite(t, t.TempDir())})
	registered := map[string]bool{}
	for _, p := range s.patterns {
		method, path, _ := strings.Cut(p, " ")
		registered[strings.ToLower(method)+" "+path] = true
		if _, ok := paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not documented in openapi.json", p)
		}
	}
	for path, item := range paths {
		for method := range item {
			if method != "parameters" && !registered[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not a route", strings.ToUpper(method), path)
			}
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != 200 || !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("GET /openapi.json: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/docs", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "/snippets/{id}") {
		t.Fatalf("GET /docs: %d", rec.Code)
	}
}

// TestOpenAPIExamplesMatchTheHandlers sends every documented JSON request
// example to its handler (signed in where the operation says so, path ids
// made real) and checks the documented success status and that the
// response has every field of the documented response example.
func TestOpenAPIExamplesMatchTheHandlers(t *testing.T) {
	paths := loadOpenAPI(t)
	db := storetest.SQLite(t, t.TempDir())
	idx, err := graph.NewEmbedded(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{UI: fstestUI(), Auth: AuthConfig{Secret: testSecret}}, discardLog(), Deps{Runner: sharedPool(t), Store: db, Index: idx})
	tok := registerUser(t, s, "docs@example.com")
	_, sn, _ := call(t, s, "POST", "/snippets", tok, `{"code":"print(1)","title":"x"}`)
	_, pub, _ := call(t, s, "POST", "/snippets", tok, `{"code":"print(1)","title":"public","is_public":true}`)
	_, sh, _ := call(t, s, "POST", "/share", "", `{"code":"print(1)"}`)
	_, run, _ := call(t, s, "POST", "/execute", tok, `{"code":"print(1)"}`)
	_, room, _ := call(t, s, "POST", "/rooms", tok, "")
	ids := map[string]string{"/snippets/{id}": sn["id"].(string), "/search/similar/{id}": sn["id"].(string),
		"/share/{id}": sh["id"].(string), "/jobs/{id}": run["job_id"].(string), "/public/snippets/{id}": pub["id"].(string),
		"/rooms/{id}": room["id"].(string), "/rooms/{id}/history": room["id"].(string)}
	skip := map[string]string{
		"/execute/async": "needs a WebSocket (ws_test.go)", "/analyze/async": "needs a WebSocket (ws_test.go)",
		"/auth/register": "the example's account is made by the login example's set-up",
		"/auth/logout":   "would revoke the token the other examples use", "/ws": "a WebSocket upgrade",
		"/metrics": "Prometheus text", "/": "HTML", "/s/{id}": "HTML", "/p/{id}": "HTML", "/r/{id}": "HTML",
		"/rooms/{id}/ws": "a WebSocket upgrade (rooms_test.go)", "/docs": "HTML", "/openapi.json": "this document",
		"/snippets/{id} delete": "would delete the snippet the other examples use",
	}
	call(t, s, "POST", "/auth/register", "", `{"email":"ada@example.com","password":"correct horse","username":"ada"}`)
	checked := 0
	for path, item := range paths {
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			if skip[path] != "" || skip[path+" "+method] != "" {
				continue // the reason is in skip
			}
			var op openAPIOp
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			target := strings.Replace(path, "{id}", ids[path], 1)
			if path == "/search" {
				target += "?q=find+an+item"
			}
			if path == "/search/complexity" {
				target += "?complexity=O(n)"
			}
			body := ""
			if op.RequestBody != nil {
				b, _ := json.Marshal(op.RequestBody.Content["application/json"].Example)
				body = string(b)
			}
			token := ""
			if len(op.Security) > 0 {
				token = tok
			}
			if path == "/auth/password" {
				body = `{"current_password":"correct horse","new_password":"battery staple"}`
				token = registerUser(t, s, "pw@example.com")
			}
			wantStatus, wantExample := "", any(nil)
			for code, r := range op.Responses {
				if strings.HasPrefix(code, "2") && (wantStatus == "" || code < wantStatus) {
					wantStatus, wantExample = code, r.Content["application/json"].Example
				}
			}
			code, got, _ := call(t, s, strings.ToUpper(method), target, token, body)
			if fmt.Sprint(code) != wantStatus {
				t.Errorf("%s %s with the documented example: %d %v, documented %s", strings.ToUpper(method), path, code, got, wantStatus)
				continue
			}
			if ex, ok := wantExample.(map[string]any); ok {
				for k := range ex {
					if _, present := got[k]; !present {
						t.Errorf("%s %s: the response has no %q (documented)", strings.ToUpper(method), path, k)
					}
				}
			}
			checked++
		}
	}
	if checked < 15 {
		t.Fatalf("only %d examples checked", checked)
	}
}
