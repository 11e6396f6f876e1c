package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coderemote/coderemote/store"
)

// Snippets is what the snippet endpoints need from the store.
type Snippets interface {
	CreateSnippet(ctx context.Context, s store.Snippet) (store.Snippet, error)
	GetSnippet(ctx context.Context, userID, id string) (store.Snippet, error)
	ListSnippets(ctx context.Context, userID string, o store.ListOptions) ([]store.Snippet, int, error)
	UpdateSnippet(ctx context.Context, userID, id string, p store.SnippetPatch) (store.Snippet, error)
	DeleteSnippet(ctx context.Context, userID, id string) error
	RecordSnippetRun(ctx context.Context, userID, id string, at time.Time) error
	PublicSnippet(ctx context.Context, id string) (store.Snippet, error)
}

// Field limits of API.md, in characters.
const (
	maxSnippetCode  = 50000
	maxTitle        = 255
	maxLanguage     = 50
	maxDescription  = 2000
	snippetBodySize = 6*maxSnippetCode*4 + 64<<10
)

// snippetSummary is a snippet without its code; snippetView adds the code.
type snippetSummary struct {
	ID              string     `json:"id"`
	Title           *string    `json:"title"`
	Language        string     `json:"language"`
	Description     *string    `json:"description"`
	ExecutionCount  int        `json:"execution_count"`
	IsStarred       bool       `json:"is_starred"`
	IsPublic        bool       `json:"is_public"`
	TimeComplexity  *string    `json:"time_complexity"`
	SpaceComplexity *string    `json:"space_complexity"`
	LastExecutionAt *time.Time `json:"last_execution_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

type snippetView struct {
	snippetSummary
	Code string `json:"code"`
}

func summarize(s store.Snippet) snippetSummary {
	return snippetSummary{ID: s.ID, Title: s.Title, Language: s.Language, Description: s.Description,
		ExecutionCount: s.ExecutionCount, IsStarred: s.IsStarred, IsPublic: s.IsPublic, TimeComplexity: s.TimeComplexity,
		SpaceComplexity: s.SpaceComplexity, LastExecutionAt: s.LastExecutionAt, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

func view(s store.Snippet) snippetView { return snippetView{summarize(s), s.Code} }

type snippetList struct {
	Items  []snippetSummary `json:"items"`
	Total  int              `json:"total"`
	Limit  int              `json:"limit"`
	Offset int              `json:"offset"`
}

type createSnippetRequest struct {
	Code        *string `json:"code"`
	Title       *string `json:"title"`
	Language    *string `json:"language"`
	Description *string `json:"description"`
	IsStarred   *bool   `json:"is_starred"`
	IsPublic    *bool   `json:"is_public"`
}

func checkLength(field string, v *string, limit int) *httpError {
	if v != nil && utf8.RuneCountInString(*v) > limit {
		return errInvalid(fmt.Sprintf("%s must be at most %d characters", field, limit))
	}
	return nil
}

func checkCode(code *string) *httpError {
	if code == nil || *code == "" {
		return errInvalid("code is required and must not be empty")
	}
	if n := utf8.RuneCountInString(*code); n > maxSnippetCode {
		return errTooLarge(fmt.Sprintf("code is %d characters, over the limit of %d", n, maxSnippetCode))
	}
	return nil
}

func (s *Server) createSnippet(w http.ResponseWriter, r *http.Request) error {
	u, herr := s.requireUser(r)
	if herr != nil {
		return herr
	}
	var req createSnippetRequest
	if err := decodeText(r.Body, snippetBodySize, &req); err != nil {
		return err
	}
	if err := checkCode(req.Code); err != nil {
		return err
	}
	for _, c := range []*httpError{checkLength("title", req.Title, maxTitle), checkLength("language", req.Language, maxLanguage),
		checkLength("description", req.Description, maxDescription)} {
		if c != nil {
			return c
		}
	}
	snip := store.Snippet{ID: newUUID(), UserID: u.ID, Title: req.Title, Code: *req.Code, Description: req.Description, Language: deref(req.Language)}
	if req.IsStarred != nil {
		snip.IsStarred = *req.IsStarred
	}
	if req.IsPublic != nil {
		snip.IsPublic = *req.IsPublic
	}
	created, err := s.snippets.CreateSnippet(r.Context(), snip)
	if err != nil {
		return err
	}
	s.kickIndexer()
	writeJSON(w, http.StatusCreated, view(created))
	return nil
}

func (s *Server) listSnippets(w http.ResponseWriter, r *http.Request) error {
	u, herr := s.requireUser(r)
	if herr != nil {
		return herr
	}
	q := r.URL.Query()
	limit, herr := intParam(q.Get("limit"), "limit", 50, 1, 100)
	if herr != nil {
		return herr
	}
	offset, herr := intParam(q.Get("offset"), "offset", 0, 0, 1<<31-1)
	if herr != nil {
		return herr
	}
	opts := store.ListOptions{Limit: limit, Offset: offset, Query: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort")}
	switch opts.Sort {
	case "", "updated", "created", "title":
	default:
		return errInvalid("sort must be updated, created or title")
	}
	switch q.Get("starred") {
	case "", "false":
	case "true":
		opts.StarredOnly = true
	default:
		return errInvalid("starred must be true or false")
	}
	if utf8.RuneCountInString(opts.Query) > 500 {
		return errInvalid("q must be at most 500 characters")
	}
	list, total, err := s.snippets.ListSnippets(r.Context(), u.ID, opts)
	if err != nil {
		return err
	}
	out := snippetList{Items: make([]snippetSummary, 0, len(list)), Total: total, Limit: limit, Offset: offset}
	for _, sn := range list {
		out.Items = append(out.Items, summarize(sn))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func intParam(v, name string, def, lo, hi int) (int, *httpError) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errInvalid(fmt.Sprintf("%s must be a whole number from %d to %d", name, lo, hi))
	}
	return n, nil
}

// ownSnippet is the signed-in caller and the snippet id in the path.
func (s *Server) ownSnippet(r *http.Request) (userID, id string, herr *httpError) {
	u, herr := s.requireUser(r)
	if herr != nil {
		return "", "", herr
	}
	id, herr = s.snippetID(r)
	return u.ID, id, herr
}

// snippetID is the snippet id in the path; one that is not a UUID is a 404
// like any other snippet the caller does not have.
func (s *Server) snippetID(r *http.Request) (string, *httpError) {
	id := r.PathValue("id")
	if !isUUID(id) {
		return "", errNotFound("snippet " + id + " was not found")
	}
	return strings.ToLower(id), nil
}

func notFoundAs(err error, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound("snippet " + id + " was not found")
	}
	return err
}

func (s *Server) getSnippet(w http.ResponseWriter, r *http.Request) error {
	userID, id, herr := s.ownSnippet(r)
	if herr != nil {
		return herr
	}
	sn, err := s.snippets.GetSnippet(r.Context(), userID, id)
	if err != nil {
		return notFoundAs(err, id)
	}
	writeJSON(w, http.StatusOK, view(sn))
	return nil
}

func (s *Server) updateSnippet(w http.ResponseWriter, r *http.Request) error {
	userID, id, herr := s.ownSnippet(r)
	if herr != nil {
		return herr
	}
	var raw map[string]json.RawMessage
	if err := decodeText(r.Body, snippetBodySize, &raw); err != nil {
		return err
	}
	patch, herr := parsePatch(raw)
	if herr != nil {
		return herr
	}
	sn, err := s.snippets.UpdateSnippet(r.Context(), userID, id, patch)
	if err != nil {
		return notFoundAs(err, id)
	}
	s.kickIndexer()
	writeJSON(w, http.StatusOK, view(sn))
	return nil
}

// parsePatch reads a partial update: an absent field is unchanged; title and
// description may be null to clear them; code, language, is_starred and
// is_public may not.
func parsePatch(raw map[string]json.RawMessage) (store.SnippetPatch, *httpError) {
	var p store.SnippetPatch
	str := func(name string, f *store.Field[string], nullable bool, limit int) *httpError {
		v, ok := raw[name]
		if !ok {
			return nil
		}
		f.Set = true
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			if !nullable {
				return errInvalid(name + " cannot be null")
			}
			return nil
		}
		var sv string
		if err := json.Unmarshal(v, &sv); err != nil {
			return errBadRequest("field " + name + " must be a string")
		}
		f.Value = &sv
		return checkLength(name, &sv, limit)
	}
	for _, err := range []*httpError{
		str("title", &p.Title, true, maxTitle),
		str("description", &p.Description, true, maxDescription),
		str("language", &p.Language, false, maxLanguage),
		str("code", &p.Code, false, maxSnippetCode),
	} {
		if err != nil {
			return p, err
		}
	}
	if p.Code.Set {
		if err := checkCode(p.Code.Value); err != nil {
			return p, err
		}
	}
	for _, b := range []struct {
		name string
		f    *store.Field[bool]
	}{{"is_starred", &p.IsStarred}, {"is_public", &p.IsPublic}} {
		name, f := b.name, b.f
		v, ok := raw[name]
		if !ok {
			continue
		}
		var b bool
		if err := json.Unmarshal(v, &b); err != nil || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return p, errBadRequest("field " + name + " must be a boolean")
		}
		*f = store.Field[bool]{Set: true, Value: &b}
	}
	return p, nil
}

func (s *Server) deleteSnippet(w http.ResponseWriter, r *http.Request) error {
	userID, id, herr := s.ownSnippet(r)
	if herr != nil {
		return herr
	}
	if err := s.snippets.DeleteSnippet(r.Context(), userID, id); err != nil {
		return notFoundAs(err, id)
	}
	s.kickIndexer()
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "id": id})
	return nil
}

// publicSnippetView is what anyone may read of a public snippet: its
// program and how it is described, not its owner or its run statistics.
type publicSnippetView struct {
	ID              string    `json:"id"`
	URL             string    `json:"url"` // the page that opens it
	Title           *string   `json:"title"`
	Language        string    `json:"language"`
	Description     *string   `json:"description"`
	Code            string    `json:"code"`
	TimeComplexity  *string   `json:"time_complexity"`
	SpaceComplexity *string   `json:"space_complexity"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// getPublicSnippet serves a snippet its owner made public, to anyone; a
// private or missing one is the same 404.
func (s *Server) getPublicSnippet(w http.ResponseWriter, r *http.Request) error {
	id, herr := s.snippetID(r)
	if herr != nil {
		return herr
	}
	sn, err := s.snippets.PublicSnippet(r.Context(), id)
	if err != nil {
		return notFoundAs(err, id)
	}
	w.Header().Set("Cache-Control", "no-cache") // its owner may edit it or make it private
	writeJSON(w, http.StatusOK, publicSnippetView{ID: sn.ID, URL: "/p/" + sn.ID, Title: sn.Title, Language: sn.Language,
		Description: sn.Description, Code: sn.Code, TimeComplexity: sn.TimeComplexity, SpaceComplexity: sn.SpaceComplexity, UpdatedAt: sn.UpdatedAt})
	return nil
}

// publicSnippetPage serves the UI at /p/{id}; the page loads the snippet.
func (s *Server) publicSnippetPage(w http.ResponseWriter, r *http.Request) error {
	if _, herr := s.snippetID(r); herr != nil {
		return herr
	}
	return s.indexPage(w, r)
}
