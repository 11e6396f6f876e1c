package server

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/coderemote/coderemote/analysis"
	"github.com/coderemote/coderemote/complexity"
	"github.com/coderemote/coderemote/graph"
	"github.com/coderemote/coderemote/store"
)

// searchResult is one found snippet.
type searchResult struct {
	SnippetID       string  `json:"snippet_id"`
	Title           string  `json:"title"`
	Language        string  `json:"language"`
	Description     string  `json:"description"`
	TimeComplexity  *string `json:"time_complexity"`
	SpaceComplexity *string `json:"space_complexity"`
	Score           float64 `json:"score"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ownResults keeps the caller's results only. Every index query is scoped
// to the owner already; this is the last line, so that no bug or generated
// query can ever return another user's snippet.
func ownResults(userID string, rs []graph.Result, skip string) []searchResult {
	out := []searchResult{}
	for _, r := range rs {
		if r.UserID != userID || r.SnippetID == skip || r.Score < minScore {
			continue
		}
		out = append(out, searchResult{SnippetID: r.SnippetID, Title: r.Title, Language: r.Language, Description: r.Description,
			TimeComplexity: nullable(r.TimeComplexity), SpaceComplexity: nullable(r.SpaceComplexity), Score: round3(r.Score)})
	}
	return out
}

// minScore drops results that share nothing with the question.
const minScore = 0.02

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

func (s *Server) searchReady(r *http.Request) (string, *httpError) {
	u, herr := s.requireUser(r)
	if herr != nil {
		return "", herr
	}
	if s.index == nil {
		return "", errUnavailable("search is not enabled on this server")
	}
	return u.ID, nil
}

// search answers a question about the caller's snippets by meaning. A
// question that names a complexity ("my quadratic sorts") also filters by
// it: method "hybrid".
func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	userID, herr := s.searchReady(r)
	if herr != nil {
		return herr
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if n := utf8.RuneCountInString(q); n < 3 || n > 500 {
		return errInvalid("q must be 3 to 500 characters")
	}
	limit, herr := intParam(r.URL.Query().Get("limit"), "limit", 10, 1, 50)
	if herr != nil {
		return herr
	}
	if out, ok := s.searchByCypher(r.Context(), userID, q, limit); ok {
		writeJSON(w, http.StatusOK, map[string]any{"query": q, "results": out, "method": "cypher", "total": len(out)})
		return nil
	}
	vec, err := s.embedder.EmbedQuery(r.Context(), q)
	if err != nil {
		return err
	}
	method := "semantic"
	if s.searchKind() == "keyword" {
		method = "keyword"
	}
	want := complexity.ComplexityInText(q)
	k := limit
	if want != "" {
		method, k = "hybrid", 1000 // filter by complexity, then rank
	}
	rs, err := s.index.Search(r.Context(), userID, vec, k)
	if err != nil {
		return err
	}
	if want != "" {
		kept := rs[:0]
		for _, res := range rs {
			if res.TimeComplexity == want || res.SpaceComplexity == want {
				kept = append(kept, res)
			}
		}
		rs = kept
		if len(rs) > limit {
			rs = rs[:limit]
		}
	}
	out := ownResults(userID, rs, "")
	writeJSON(w, http.StatusOK, map[string]any{"query": q, "results": out, "method": method, "total": len(out)})
	return nil
}

func (s *Server) searchComplexity(w http.ResponseWriter, r *http.Request) error {
	userID, herr := s.searchReady(r)
	if herr != nil {
		return herr
	}
	q := r.URL.Query()
	value := complexity.NormalizeBigO(q.Get("complexity"))
	if value == "" || len(value) > 100 {
		return errInvalid("complexity is required, e.g. O(n^2)")
	}
	kind := q.Get("type")
	if kind == "" {
		kind = "time"
	}
	if kind != "time" && kind != "space" {
		return errInvalid("type must be time or space")
	}
	limit, herr := intParam(q.Get("limit"), "limit", 50, 1, 100)
	if herr != nil {
		return herr
	}
	rs, err := s.index.ByComplexity(r.Context(), userID, kind, value, limit)
	if err != nil {
		return err
	}
	out := ownResults(userID, rs, "")
	writeJSON(w, http.StatusOK, map[string]any{"complexity_type": kind, "complexity_value": value, "results": out, "total": len(out)})
	return nil
}

// searchSimilar ranks the caller's other snippets by similarity to one of
// theirs, embedding it as it is now (so it works before the index syncs).
func (s *Server) searchSimilar(w http.ResponseWriter, r *http.Request) error {
	userID, herr := s.searchReady(r)
	if herr != nil {
		return herr
	}
	id, herr := s.snippetID(r)
	if herr != nil {
		return herr
	}
	limit, herr := intParam(r.URL.Query().Get("limit"), "limit", 5, 1, 20)
	if herr != nil {
		return herr
	}
	sn, err := s.snippets.GetSnippet(r.Context(), userID, id)
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound("snippet " + id + " was not found")
	}
	if err != nil {
		return err
	}
	vec, err := s.embedder.EmbedDocument(r.Context(), analysis.DocumentText(deref(sn.Title), deref(sn.Description), sn.Code))
	if err != nil {
		return err
	}
	rs, err := s.index.Search(r.Context(), userID, vec, limit+1)
	if err != nil {
		return err
	}
	out := ownResults(userID, rs, id)
	if len(out) > limit {
		out = out[:limit]
	}
	writeJSON(w, http.StatusOK, map[string]any{"source_snippet_id": id, "similar": out, "total": len(out)})
	return nil
}

// CypherWriter turns a question into a graph query (Gemini).
type CypherWriter interface {
	Cypher(ctx context.Context, question, schema string) (string, error)
}

// GeneratedQuerier runs a generated query safely (graph.Neo4j): validated,
// read-only, with a timeout, and only the caller's snippets kept.
type GeneratedQuerier interface {
	QueryGenerated(ctx context.Context, userID, query string, k int) ([]graph.Result, error)
}

// reGraphQuestion spots questions about structure that a graph query answers
// better than similarity: complexities, languages, counts.
var reGraphQuestion = regexp.MustCompile(`(?i)\b(complexity|quadratic|linear|logarithmic|exponential|cubic|constant|O\(|written in|language|how many|which of my)\b`)

// searchByCypher answers with a generated Cypher query when Gemini and
// Neo4j are both configured and the question is about structure. Any
// failure (a refused or failing query) falls back to vector search.
func (s *Server) searchByCypher(ctx context.Context, userID, q string, limit int) ([]searchResult, bool) {
	cw, ok1 := s.analyzer.(CypherWriter)
	gq, ok2 := s.index.(GeneratedQuerier)
	if !ok1 || !ok2 || !reGraphQuestion.MatchString(q) {
		return nil, false
	}
	query, err := cw.Cypher(ctx, q, graph.Schema)
	if err != nil {
		s.log.Warn("search: text-to-Cypher failed", "err", err)
		return nil, false
	}
	rs, err := gq.QueryGenerated(ctx, userID, query, limit)
	if err != nil {
		s.log.Warn("search: generated query refused or failed", "err", err)
		return nil, false
	}
	for i := range rs {
		rs[i].Score = 1
	}
	return ownResults(userID, rs, ""), true
}
