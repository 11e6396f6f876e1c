package graph

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Neo4jConfig says where the graph is.
type Neo4jConfig struct {
	URI, Username, Password string
	Database                string // default: the server's default database
}

// runner executes Cypher; the driver implements it, and tests record it.
type runner interface {
	write(ctx context.Context, query string, params map[string]any) error
	read(ctx context.Context, query string, params map[string]any, timeout time.Duration) ([]map[string]any, error)
}

// Neo4j keeps snippet nodes in Neo4j: (:Snippet)-[:OWNED_BY]->(:User),
// -[:WRITTEN_IN]->(:Language), -[:HAS_TIME_COMPLEXITY|HAS_SPACE_COMPLEXITY]->
// (:Complexity), with the embedding on the snippet and a cosine vector
// index snippet_embedding over it.
type Neo4j struct {
	run    runner
	driver neo4j.DriverWithContext
}

// NewNeo4j connects, checks the connection and applies the schema.
func NewNeo4j(ctx context.Context, cfg Neo4jConfig) (*Neo4j, error) {
	d, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""))
	if err != nil {
		return nil, fmt.Errorf("graph: neo4j driver: %w", err)
	}
	vctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := d.VerifyConnectivity(vctx); err != nil {
		d.Close(ctx)
		return nil, fmt.Errorf("graph: connect to neo4j: %w", err)
	}
	g := &Neo4j{run: driverRunner{d: d, db: cfg.Database}, driver: d}
	if err := g.migrate(ctx); err != nil {
		d.Close(ctx)
		return nil, err
	}
	return g, nil
}

// Close closes the driver.
func (g *Neo4j) Close(ctx context.Context) error { return g.driver.Close(ctx) }

// Backend names the index.
func (g *Neo4j) Backend() string { return "neo4j" }

// schema is applied at every start; each statement is idempotent.
var schema = []string{
	"CREATE CONSTRAINT snippet_id IF NOT EXISTS FOR (s:Snippet) REQUIRE s.id IS UNIQUE",
	"CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE",
	"CREATE CONSTRAINT language_name IF NOT EXISTS FOR (l:Language) REQUIRE l.name IS UNIQUE",
	"CREATE CONSTRAINT complexity_value IF NOT EXISTS FOR (c:Complexity) REQUIRE c.value IS UNIQUE",
	"CREATE VECTOR INDEX snippet_embedding IF NOT EXISTS FOR (s:Snippet) ON (s.embedding) " +
		"OPTIONS {indexConfig: {`vector.dimensions`: 768, `vector.similarity_function`: 'cosine'}}",
}

func (g *Neo4j) migrate(ctx context.Context) error {
	for _, q := range schema {
		if err := g.run.write(ctx, q, nil); err != nil {
			return fmt.Errorf("graph: schema %q: %w", q, err)
		}
	}
	return nil
}

const upsertQuery = `MERGE (u:User {id: $user_id})
MERGE (s:Snippet {id: $id})
SET s.owner_id = $user_id, s.title = $title, s.language = $language, s.description = $description,
    s.time_complexity = $time, s.space_complexity = $space, s.embedding = $embedding, s.updated_at = $updated_at
WITH s, u
OPTIONAL MATCH (s)-[old:OWNED_BY|WRITTEN_IN|HAS_TIME_COMPLEXITY|HAS_SPACE_COMPLEXITY]->()
DELETE old
WITH DISTINCT s, u
MERGE (s)-[:OWNED_BY]->(u)
MERGE (l:Language {name: $language})
MERGE (s)-[:WRITTEN_IN]->(l)
FOREACH (v IN CASE WHEN $time = '' THEN [] ELSE [$time] END |
  MERGE (c:Complexity {value: v}) MERGE (s)-[:HAS_TIME_COMPLEXITY]->(c))
FOREACH (v IN CASE WHEN $space = '' THEN [] ELSE [$space] END |
  MERGE (c:Complexity {value: v}) MERGE (s)-[:HAS_SPACE_COMPLEXITY]->(c))`

// Upsert adds or replaces a snippet node and its relations.
func (g *Neo4j) Upsert(ctx context.Context, n Node) error {
	emb := make([]float64, len(n.Embedding))
	for i, f := range n.Embedding {
		emb[i] = float64(f)
	}
	lang := n.Language
	if lang == "" {
		lang = "python"
	}
	return g.run.write(ctx, upsertQuery, map[string]any{
		"id": n.SnippetID, "user_id": n.UserID, "title": n.Title, "language": lang, "description": n.Description,
		"time": n.TimeComplexity, "space": n.SpaceComplexity, "embedding": emb, "updated_at": n.UpdatedAt.UTC().Format(time.RFC3339Nano),
	})
}

// Delete removes the owner's snippet node.
func (g *Neo4j) Delete(ctx context.Context, userID, snippetID string) error {
	return g.run.write(ctx, `MATCH (s:Snippet {id: $id, owner_id: $user_id}) DETACH DELETE s`,
		map[string]any{"id": snippetID, "user_id": userID})
}

// The owner's nodes are matched first and only they are scored: an exact,
// owner-filtered ranking (no global top-k that other users could crowd out).
const searchQuery = `MATCH (s:Snippet)-[:OWNED_BY]->(:User {id: $user_id})
WHERE s.embedding IS NOT NULL AND s.id <> $skip
WITH s, vector.similarity.cosine(s.embedding, $vector) AS score
ORDER BY score DESC, s.id
LIMIT $k
RETURN s.id AS id, s.owner_id AS owner, s.title AS title, s.language AS language, s.description AS description,
       s.time_complexity AS time, s.space_complexity AS space, s.updated_at AS updated_at, score`

// Search ranks the owner's snippets by cosine similarity to vector.
func (g *Neo4j) Search(ctx context.Context, userID string, vector []float32, k int) ([]Result, error) {
	return g.search(ctx, userID, vector, k, "")
}

func (g *Neo4j) search(ctx context.Context, userID string, vector []float32, k int, skip string) ([]Result, error) {
	v := make([]float64, len(vector))
	for i, f := range vector {
		v[i] = float64(f)
	}
	rows, err := g.run.read(ctx, searchQuery, map[string]any{"user_id": userID, "vector": v, "k": int64(k), "skip": skip}, 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("graph: search: %w", err)
	}
	return rowsToResults(userID, rows), nil
}

// Similar ranks the owner's other snippets by similarity to one of theirs.
func (g *Neo4j) Similar(ctx context.Context, userID, snippetID string, k int) ([]Result, error) {
	rows, err := g.run.read(ctx, `MATCH (s:Snippet {id: $id, owner_id: $user_id}) RETURN s.embedding AS embedding`,
		map[string]any{"id": snippetID, "user_id": userID}, 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("graph: similar: %w", err)
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	emb, _ := rows[0]["embedding"].([]any)
	vec := make([]float32, len(emb))
	for i, x := range emb {
		f, _ := x.(float64)
		vec[i] = float32(f)
	}
	return g.search(ctx, userID, vec, k, snippetID)
}

// ByComplexity lists the owner's snippets with a time or space complexity.
func (g *Neo4j) ByComplexity(ctx context.Context, userID, kind, value string, k int) ([]Result, error) {
	rel := "HAS_TIME_COMPLEXITY"
	if kind == "space" {
		rel = "HAS_SPACE_COMPLEXITY"
	}
	q := `MATCH (s:Snippet)-[:OWNED_BY]->(:User {id: $user_id})
MATCH (s)-[:` + rel + `]->(:Complexity {value: $value})
RETURN s.id AS id, s.owner_id AS owner, s.title AS title, s.language AS language, s.description AS description,
       s.time_complexity AS time, s.space_complexity AS space, s.updated_at AS updated_at, 1.0 AS score
ORDER BY s.updated_at DESC, s.id
LIMIT $k`
	rows, err := g.run.read(ctx, q, map[string]any{"user_id": userID, "value": value, "k": int64(k)}, 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("graph: by complexity: %w", err)
	}
	return rowsToResults(userID, rows), nil
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// rowsToResults converts rows, dropping any not owned by userID.
func rowsToResults(userID string, rows []map[string]any) []Result {
	var out []Result
	for _, r := range rows {
		if str(r, "owner") != userID {
			continue
		}
		score, _ := r["score"].(float64)
		updated, _ := time.Parse(time.RFC3339Nano, str(r, "updated_at"))
		out = append(out, Result{Node: Node{SnippetID: str(r, "id"), UserID: userID, Title: str(r, "title"), Language: str(r, "language"),
			Description: str(r, "description"), TimeComplexity: str(r, "time"), SpaceComplexity: str(r, "space"), UpdatedAt: updated}, Score: score})
	}
	return out
}

// Schema describes the graph for a model writing Cypher.
const Schema = `Nodes: (:Snippet {id, owner_id, title, language, description, time_complexity, space_complexity, updated_at}),
(:User {id}), (:Language {name}), (:Complexity {value}) where complexity values look like "O(n^2)", "O(n log n)".
Relations: (:Snippet)-[:OWNED_BY]->(:User), (:Snippet)-[:WRITTEN_IN]->(:Language),
(:Snippet)-[:HAS_TIME_COMPLEXITY]->(:Complexity), (:Snippet)-[:HAS_SPACE_COMPLEXITY]->(:Complexity).`

var (
	reWriteClause = regexp.MustCompile(`(?i)\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH|CALL|USE|GRANT|DENY|REVOKE|ALTER|RENAME|TERMINATE|START|STOP|SHOW)\b|apoc\.|dbms\.|db\.`)
	reReturnID    = regexp.MustCompile(`(?i)\bRETURN\b[\s\S]*\bAS\s+id\b`)
)

// ErrUnsafeQuery means a generated query was refused before it ran.
var ErrUnsafeQuery = errors.New("graph: generated query refused")

// ValidateGeneratedCypher accepts only a single read query that is scoped to
// $user_id and returns snippet ids as "id".
func ValidateGeneratedCypher(q string) error {
	q = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(q), ";"))
	switch {
	case q == "" || len(q) > 4000:
		return fmt.Errorf("%w: empty or too long", ErrUnsafeQuery)
	case strings.Contains(q, ";"):
		return fmt.Errorf("%w: more than one statement", ErrUnsafeQuery)
	case strings.Contains(q, "//") || strings.Contains(q, "/*"):
		return fmt.Errorf("%w: comments", ErrUnsafeQuery)
	case reWriteClause.MatchString(q):
		return fmt.Errorf("%w: not a plain read query", ErrUnsafeQuery)
	case !strings.Contains(q, "$user_id"):
		return fmt.Errorf("%w: not scoped to the user", ErrUnsafeQuery)
	case !reReturnID.MatchString(q):
		return fmt.Errorf("%w: must return snippet ids AS id", ErrUnsafeQuery)
	}
	return nil
}

// QueryGenerated runs a validated, generated read query in a read-only
// transaction with a timeout, then keeps only the caller's snippets: the
// ids it returned are looked up again, owner first.
func (g *Neo4j) QueryGenerated(ctx context.Context, userID, query string, k int) ([]Result, error) {
	if err := ValidateGeneratedCypher(query); err != nil {
		return nil, err
	}
	rows, err := g.run.read(ctx, query, map[string]any{"user_id": userID}, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("graph: generated query: %w", err)
	}
	var ids []any
	for _, r := range rows {
		if id, ok := r["id"].(string); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	owned, err := g.run.read(ctx, `MATCH (s:Snippet)-[:OWNED_BY]->(:User {id: $user_id}) WHERE s.id IN $ids
RETURN s.id AS id, s.owner_id AS owner, s.title AS title, s.language AS language, s.description AS description,
       s.time_complexity AS time, s.space_complexity AS space, s.updated_at AS updated_at, 1.0 AS score LIMIT $k`,
		map[string]any{"user_id": userID, "ids": ids, "k": int64(k)}, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("graph: generated query results: %w", err)
	}
	return rowsToResults(userID, owned), nil
}

// driverRunner runs Cypher with the official driver.
type driverRunner struct {
	d  neo4j.DriverWithContext
	db string
}

func (r driverRunner) write(ctx context.Context, query string, params map[string]any) error {
	_, err := neo4j.ExecuteQuery(ctx, r.d, query, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(r.db), neo4j.ExecuteQueryWithWritersRouting())
	return err
}

func (r driverRunner) read(ctx context.Context, query string, params map[string]any, timeout time.Duration) ([]map[string]any, error) {
	sess := r.d.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: r.db})
	defer sess.Close(ctx)
	out, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, query, params)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		rows := make([]map[string]any, len(recs))
		for i, rec := range recs {
			rows[i] = rec.AsMap()
		}
		return rows, nil
	}, neo4j.WithTxTimeout(timeout))
	if err != nil {
		return nil, err
	}
	return out.([]map[string]any), nil
}
