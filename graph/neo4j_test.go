package graph

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// recorder is a runner that records queries and answers reads from a script.
type recorder struct {
	writes []call
	reads  []call
	rows   [][]map[string]any // answers to successive reads
}

type call struct {
	query   string
	params  map[string]any
	timeout time.Duration
}

func (r *recorder) write(_ context.Context, q string, p map[string]any) error {
	r.writes = append(r.writes, call{query: q, params: p})
	return nil
}

func (r *recorder) read(_ context.Context, q string, p map[string]any, timeout time.Duration) ([]map[string]any, error) {
	r.reads = append(r.reads, call{q, p, timeout})
	if len(r.rows) == 0 {
		return nil, nil
	}
	out := r.rows[0]
	r.rows = r.rows[1:]
	return out, nil
}

func TestNeo4jSchema(t *testing.T) {
	rec := &recorder{}
	g := &Neo4j{run: rec}
	if err := g.migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, w := range rec.writes {
		all += w.query + "\n"
		if !strings.Contains(w.query, "IF NOT EXISTS") {
			t.Fatalf("schema statement is not idempotent: %s", w.query)
		}
	}
	for _, want := range []string{"snippet_embedding", "`vector.dimensions`: 768", "'cosine'", "s.id IS UNIQUE", "u.id IS UNIQUE"} {
		if !strings.Contains(all, want) {
			t.Fatalf("schema lacks %q", want)
		}
	}
}

func TestNeo4jUpsertAndDelete(t *testing.T) {
	rec := &recorder{}
	g := &Neo4j{run: rec}
	n := Node{SnippetID: "s1", UserID: "u1", Title: "bs", Language: "python", TimeComplexity: "O(log n)", Embedding: []float32{0.5, 0.25}, UpdatedAt: time.Unix(0, 0)}
	if err := g.Upsert(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	w := rec.writes[0]
	for _, want := range []string{"MERGE (s)-[:OWNED_BY]->(u)", "[:WRITTEN_IN]", "[:HAS_TIME_COMPLEXITY]", "[:HAS_SPACE_COMPLEXITY]", "DELETE old"} {
		if !strings.Contains(w.query, want) {
			t.Fatalf("upsert lacks %q", want)
		}
	}
	if w.params["id"] != "s1" || w.params["user_id"] != "u1" || w.params["time"] != "O(log n)" || len(w.params["embedding"].([]float64)) != 2 {
		t.Fatalf("params %v", w.params)
	}
	g.Delete(context.Background(), "u1", "s1")
	if d := rec.writes[1]; !strings.Contains(d.query, "owner_id: $user_id") || !strings.Contains(d.query, "DETACH DELETE") || d.params["user_id"] != "u1" {
		t.Fatalf("delete: %+v", d)
	}
}

func TestNeo4jQueriesAreScopedToTheOwner(t *testing.T) {
	rows := []map[string]any{
		{"id": "s1", "owner": "u1", "title": "mine", "score": 0.9},
		{"id": "x9", "owner": "u2", "title": "someone else's", "score": 0.8}, // must be dropped
	}
	rec := &recorder{rows: [][]map[string]any{rows}}
	g := &Neo4j{run: rec}
	res, err := g.Search(context.Background(), "u1", []float32{1, 0}, 5)
	if err != nil || len(res) != 1 || res[0].SnippetID != "s1" || res[0].Score != 0.9 {
		t.Fatalf("search: %+v %v", res, err)
	}
	q := rec.reads[0]
	if !strings.HasPrefix(q.query, "MATCH (s:Snippet)-[:OWNED_BY]->(:User {id: $user_id})") || !strings.Contains(q.query, "vector.similarity.cosine") ||
		q.params["user_id"] != "u1" || q.params["k"] != int64(5) {
		t.Fatalf("search query: %+v", q)
	}
	rec.rows = [][]map[string]any{rows}
	g.ByComplexity(context.Background(), "u1", "space", "O(n)", 3)
	if q := rec.reads[1]; !strings.Contains(q.query, "HAS_SPACE_COMPLEXITY") || q.params["value"] != "O(n)" || q.params["user_id"] != "u1" {
		t.Fatalf("complexity query: %+v", q)
	}
	rec.rows = [][]map[string]any{nil}
	if _, err := g.Similar(context.Background(), "u1", "x9", 3); !errors.Is(err, ErrNotFound) {
		t.Fatalf("similar to another's: %v", err)
	}
	if q := rec.reads[2]; q.params["user_id"] != "u1" || !strings.Contains(q.query, "owner_id: $user_id") {
		t.Fatalf("similar lookup: %+v", q)
	}
}

func TestValidateGeneratedCypher(t *testing.T) {
	ok := "MATCH (s:Snippet)-[:OWNED_BY]->(:User {id: $user_id}) MATCH (s)-[:HAS_TIME_COMPLEXITY]->(:Complexity {value: 'O(n^2)'}) RETURN s.id AS id"
	if err := ValidateGeneratedCypher(ok); err != nil {
		t.Fatalf("refused a good query: %v", err)
	}
	for _, bad := range []string{
		"",
		"MATCH (s:Snippet) RETURN s.id AS id", // not scoped
		"MATCH (s:Snippet {owner_id: $user_id}) DETACH DELETE s RETURN s.id AS id",
		"MATCH (s:Snippet {owner_id: $user_id}) SET s.title = 'x' RETURN s.id AS id",
		"MATCH (s:Snippet {owner_id: $user_id}) RETURN s.id AS id; MATCH (n) DETACH DELETE n",
		"CALL db.labels() YIELD label RETURN label AS id // $user_id",
		"MATCH (s:Snippet {owner_id: $user_id}) CALL apoc.export.csv.all('x', {}) YIELD file RETURN file AS id",
		"LOAD CSV FROM 'http://x' AS row MATCH (s {owner_id: $user_id}) RETURN s.id AS id",
		"MATCH (s:Snippet {owner_id: $user_id}) RETURN s.title",
		"MATCH (s:Snippet {owner_id: $user_id}) MERGE (x:Evil) RETURN s.id AS id",
	} {
		if err := ValidateGeneratedCypher(bad); !errors.Is(err, ErrUnsafeQuery) {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestQueryGeneratedKeepsOnlyTheCallersSnippets(t *testing.T) {
	rec := &recorder{rows: [][]map[string]any{
		{{"id": "s1"}, {"id": "theirs"}},            // the generated query (maybe wrong)
		{{"id": "s1", "owner": "u1", "score": 1.0}}, // owner-first re-read
	}}
	g := &Neo4j{run: rec}
	q := "MATCH (s:Snippet) WHERE s.owner_id = $user_id OR true RETURN s.id AS id"
	res, err := g.QueryGenerated(context.Background(), "u1", q, 10)
	if err != nil || len(res) != 1 || res[0].SnippetID != "s1" {
		t.Fatalf("got %+v %v", res, err)
	}
	if rec.reads[0].timeout != 5*time.Second {
		t.Fatalf("generated query timeout %v", rec.reads[0].timeout)
	}
	if ids := rec.reads[1].params["ids"].([]any); len(ids) != 2 || rec.reads[1].params["user_id"] != "u1" {
		t.Fatalf("re-read params %v", rec.reads[1].params)
	}
}

func FuzzValidateGeneratedCypher(f *testing.F) {
	f.Add("MATCH (s:Snippet {owner_id: $user_id}) RETURN s.id AS id")
	f.Fuzz(func(t *testing.T, q string) {
		if ValidateGeneratedCypher(q) == nil && reWriteClause.MatchString(q) {
			t.Fatalf("accepted a write: %q", q)
		}
	})
}

// TestNeo4jIntegration runs against a real Neo4j when NEO4J_URI is set.
func TestNeo4jIntegration(t *testing.T) {
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		t.Skip("NEO4J_URI is not set")
	}
	ctx := context.Background()
	g, err := NewNeo4j(ctx, Neo4jConfig{URI: uri, Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD")})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close(ctx)
	emb := func(x float32) []float32 {
		v := make([]float32, 768)
		v[0], v[1] = x, 1-x
		return v
	}
	a, b := "it-user-a-"+time.Now().Format("150405.000"), "it-user-b-"+time.Now().Format("150405.000")
	for _, n := range []Node{
		{SnippetID: a + "-1", UserID: a, Title: "one", TimeComplexity: "O(n)", Embedding: emb(1)},
		{SnippetID: a + "-2", UserID: a, Title: "two", TimeComplexity: "O(n^2)", Embedding: emb(0.2)},
		{SnippetID: b + "-1", UserID: b, Title: "theirs", TimeComplexity: "O(n)", Embedding: emb(1)},
	} {
		if err := g.Upsert(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	defer func() {
		g.Delete(ctx, a, a+"-1")
		g.Delete(ctx, a, a+"-2")
		g.Delete(ctx, b, b+"-1")
	}()
	res, err := g.Search(ctx, a, emb(1), 10)
	if err != nil || len(res) != 2 || res[0].SnippetID != a+"-1" {
		t.Fatalf("search: %+v %v", res, err)
	}
	byC, _ := g.ByComplexity(ctx, a, "time", "O(n)", 10)
	if len(byC) != 1 || byC[0].SnippetID != a+"-1" {
		t.Fatalf("by complexity: %+v", byC)
	}
}
