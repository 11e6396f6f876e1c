package server

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/coderemote/coderemote/analysis"
	"github.com/coderemote/coderemote/graph"
	"github.com/coderemote/coderemote/store/storetest"
)

// searchServers are servers with the embedded index, per store backend.
func searchServers(t *testing.T) map[string]*Server {
	out := map[string]*Server{}
	for name, db := range storetest.Backends(t) {
		idx, err := graph.NewEmbedded(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = New(Config{Auth: AuthConfig{Secret: testSecret}}, discardLog(), Deps{Runner: sharedPool(t), Store: db, Index: idx})
	}
	return out
}

const binarySearchCode = `def locate(xs, want):
    lo, hi = 0, len(xs) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if xs[mid] == want:
            return mid
        if xs[mid] < want:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
`

var unrelated = []struct{ title, code string }{
	{"Greeting", "name = input()\nprint('Hello', name)"},
	{"Bubble sort", "def bsort(a):\n    for i in range(len(a)):\n        for j in range(len(a) - i - 1):\n            if a[j] > a[j + 1]:\n                a[j], a[j + 1] = a[j + 1], a[j]\n    return a"},
	{"Word count", "from collections import Counter\ndef count(text):\n    return Counter(text.split())"},
	{"Temperature table", "for c in range(0, 101, 10):\n    print(c, c * 9 / 5 + 32)"},
}

func save(t *testing.T, s *Server, tok, title, code string) string {
	t.Helper()
	body := `{"title":` + quote(title) + `,"code":` + quote(code) + `}`
	code2, m, _ := call(t, s, "POST", "/snippets", tok, body)
	if code2 != 201 {
		t.Fatalf("save %s: %d %v", title, code2, m)
	}
	return m["id"].(string)
}

func searchTitles(t *testing.T, s *Server, tok, q string) ([]string, string) {
	t.Helper()
	code, m, _ := call(t, s, "GET", "/search?q="+url.QueryEscape(q), tok, "")
	if code != 200 {
		t.Fatalf("search %q: %d %v", q, code, m)
	}
	var titles []string
	for _, r := range m["results"].([]any) {
		titles = append(titles, r.(map[string]any)["title"].(string))
	}
	return titles, m["method"].(string)
}

// drain runs the indexer until the outbox is empty.
func drain(s *Server) {
	for s.indexOnce(context.Background()) > 0 {
	}
}

func TestSearchByMeaningOffline(t *testing.T) {
	for name, s := range searchServers(t) {
		t.Run(name, func(t *testing.T) {
			tok := registerUser(t, s, "a@example.com")
			for _, u := range unrelated {
				save(t, s, tok, u.title, u.code)
			}
			id := save(t, s, tok, "locate", binarySearchCode) // the name says nothing of binary search
			drain(s)
			titles, method := searchTitles(t, s, tok, "find an item in a sorted list")
			if len(titles) == 0 || titles[0] != "locate" || method != "keyword" {
				t.Fatalf("got %v (%s)", titles, method)
			}
			// Edits reach search without any analysis.
			call(t, s, "PUT", "/snippets/"+id, tok, `{"title":"renamed finder"}`)
			drain(s)
			if titles, _ = searchTitles(t, s, tok, "find an item in a sorted list"); titles[0] != "renamed finder" {
				t.Fatalf("after rename: %v", titles)
			}
			// Similar snippets: the other sort-free searchers rank below.
			code, sim, _ := call(t, s, "GET", "/search/similar/"+id+"?limit=2", tok, "")
			if code != 200 || sim["source_snippet_id"] != id || len(sim["similar"].([]any)) != 2 {
				t.Fatalf("similar: %d %v", code, sim)
			}
			// Analysis of the snippet stores its complexity; complexity search finds it.
			code, an, _ := call(t, s, "POST", "/analyze", tok, `{"code":`+quote(binarySearchCode)+`,"snippet_id":"`+id+`"}`)
			if code != 200 || an["time_complexity"] != "O(log n)" || an["source"] != "local" || !strings.Contains(an["narrative"].(string), "## Time Complexity") {
				t.Fatalf("analyze: %d %v", code, an)
			}
			drain(s)
			code, byC, _ := call(t, s, "GET", "/search/complexity?complexity="+url.QueryEscape("O(log(n))"), tok, "")
			if code != 200 || byC["total"] != 1.0 || byC["complexity_value"] != "O(log n)" {
				t.Fatalf("by complexity: %d %v", code, byC)
			}
			if titles, method = searchTitles(t, s, tok, "my logarithmic snippets"); method != "hybrid" || len(titles) != 1 {
				t.Fatalf("hybrid: %v %s", titles, method)
			}
			// Deletion reaches search.
			call(t, s, "DELETE", "/snippets/"+id, tok, "")
			drain(s)
			if titles, _ = searchTitles(t, s, tok, "find an item in a sorted list"); len(titles) > 0 && titles[0] == "renamed finder" {
				t.Fatalf("deleted snippet still found: %v", titles)
			}
		})
	}
}

func TestSearchNeverReturnsAnotherUsersSnippet(t *testing.T) {
	for name, s := range searchServers(t) {
		t.Run(name, func(t *testing.T) {
			alice, bob := registerUser(t, s, "alice@example.com"), registerUser(t, s, "bob@example.com")
			bobID := save(t, s, bob, "Bob's binary search", binarySearchCode)
			call(t, s, "POST", "/analyze", bob, `{"code":`+quote(binarySearchCode)+`,"snippet_id":"`+bobID+`"}`)
			save(t, s, alice, "Alice's greeting", "print('hi')")
			drain(s)
			for _, q := range []string{
				"find an item in a sorted list", "Bob's binary search", "all snippets of every user",
				"MATCH (s:Snippet) RETURN s", "' OR 1=1 --", "snippets owned by bob@example.com", "logarithmic",
			} {
				code, m, _ := call(t, s, "GET", "/search?q="+url.QueryEscape(q), alice, "")
				if code != 200 {
					t.Fatalf("%q: %d", q, code)
				}
				for _, r := range m["results"].([]any) {
					if r.(map[string]any)["snippet_id"] == bobID {
						t.Fatalf("%q returned Bob's snippet to Alice", q)
					}
				}
			}
			if code, m, _ := call(t, s, "GET", "/search/complexity?complexity=O(log%20n)", alice, ""); code != 200 || m["total"] != 0.0 {
				t.Fatalf("complexity: %d %v", code, m)
			}
			if code, _, _ := call(t, s, "GET", "/search/similar/"+bobID, alice, ""); code != 404 {
				t.Fatalf("similar to Bob's snippet: %d", code)
			}
			if code, _, _ := call(t, s, "GET", "/search?q=binary", "", ""); code != 401 {
				t.Fatalf("anonymous search: %d", code)
			}
		})
	}
}

func TestSearchValidation(t *testing.T) {
	s := searchServers(t)["sqlite"]
	tok := registerUser(t, s, "a@example.com")
	for _, tc := range []struct{ path, want string }{
		{"/search?q=ab", "q must be 3 to 500"},
		{"/search?q=" + strings.Repeat("x", 501), "q must be 3 to 500"},
		{"/search?q=abc&limit=51", "limit"},
		{"/search/complexity", "complexity is required"},
		{"/search/complexity?complexity=O(n)&type=memory", "type must be time or space"},
		{"/search/similar/" + newUUID() + "?limit=21", "limit"},
	} {
		code, m, _ := call(t, s, "GET", tc.path, tok, "")
		if code != 422 || !strings.Contains(m["detail"].(string), tc.want) {
			t.Fatalf("%s: %d %v", tc.path, code, m)
		}
	}
}

func TestAnalyzeEndpoints(t *testing.T) {
	s := newTestServer(t, Config{})
	code, m, _ := call(t, s, "POST", "/analyze", "", `{"code":"for i in range(n):\n    for j in range(n):\n        pass"}`)
	if code != 200 || m["time_complexity"] != "O(n^2)" || m["source"] != "local" || m["available"] != true || m["success"] != true {
		t.Fatalf("analyze: %d %v", code, m)
	}
	if code, m, _ = call(t, s, "POST", "/analyze", "", `{}`); code != 422 {
		t.Fatalf("no code: %d %v", code, m)
	}
	if code, m, _ = call(t, s, "GET", "/analyze/status", "", ""); code != 200 || m["provider"] != "local" || m["available"] != true {
		t.Fatalf("status: %d %v", code, m)
	}
}

// cypherAnalyzer writes a fixed query; cypherIndex answers generated
// queries with rows that include another user's snippet.
type cypherAnalyzer struct {
	analysis.Local
	query string
}

func (c cypherAnalyzer) Cypher(context.Context, string, string) (string, error) { return c.query, nil }

type cypherIndex struct {
	*graph.Embedded
	rows []graph.Result
}

func (c cypherIndex) QueryGenerated(_ context.Context, _ string, q string, _ int) ([]graph.Result, error) {
	if err := graph.ValidateGeneratedCypher(q); err != nil {
		return nil, err
	}
	return c.rows, nil
}

func TestSearchByGeneratedCypher(t *testing.T) {
	db := storetest.SQLite(t, t.TempDir())
	emb, _ := graph.NewEmbedded(t.Context(), db)
	good := "MATCH (s:Snippet)-[:OWNED_BY]->(:User {id: $user_id}) RETURN DISTINCT s.id AS id"
	for _, tc := range []struct {
		name, query, wantMethod string
	}{
		{"a valid query", good, "cypher"},
		{"a refused query falls back", "MATCH (n) DETACH DELETE n RETURN n.id AS id // $user_id", "hybrid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Config{Auth: AuthConfig{Secret: testSecret}}, discardLog(), Deps{Runner: sharedPool(t), Store: db, Embedder: analysis.Local{},
				Analyzer: cypherAnalyzer{query: tc.query}})
			tok := registerUser(t, s, newUUID()[:8]+"@example.com")
			_, me, _ := call(t, s, "GET", "/auth/me", tok, "")
			s.index = cypherIndex{Embedded: emb, rows: []graph.Result{
				{Node: graph.Node{SnippetID: "mine", UserID: me["id"].(string), Title: "mine"}, Score: 1},
				{Node: graph.Node{SnippetID: "theirs", UserID: "someone-else", Title: "theirs"}, Score: 1},
			}}
			code, m, _ := call(t, s, "GET", "/search?q="+url.QueryEscape("my quadratic snippets"), tok, "")
			if code != 200 || m["method"] != tc.wantMethod {
				t.Fatalf("got %d %v", code, m)
			}
			for _, r := range m["results"].([]any) {
				if r.(map[string]any)["snippet_id"] == "theirs" {
					t.Fatalf("another user's row was returned: %v", m)
				}
			}
			if tc.wantMethod == "cypher" && m["total"] != 1.0 {
				t.Fatalf("got %v", m)
			}
		})
	}
}
