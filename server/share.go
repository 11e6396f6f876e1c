package server

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/coderemote/coderemote/store"
)

// Shares are permalinks to a program, for visitors too: an immutable copy
// of its code and stdin behind an unguessable short id, opened at /s/{id}.
type Shares interface {
	CreateShare(ctx context.Context, s store.Share) error
	Share(ctx context.Context, id string) (store.Share, error)
}

type shareRequest struct {
	Code  *string `json:"code"`
	Stdin *string `json:"stdin"`
}

type shareView struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Code      string    `json:"code"`
	Stdin     string    `json:"stdin"`
	CreatedAt time.Time `json:"created_at"`
}

// shareIDLength characters of base62: 62^12 ≈ 3·10^21 ids, too many to
// guess one.
const shareIDLength = 12

func newShareID() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, shareIDLength)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func isShareID(id string) bool {
	if len(id) != shareIDLength {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func (s *Server) createShare(w http.ResponseWriter, r *http.Request) error {
	var owner string
	if u, herr := s.optionalUser(r); herr != nil {
		return herr
	} else if u != nil {
		owner = u.ID
	}
	var req shareRequest
	if herr := decodeJSON(r.Body, s.requestLimit(), &req); herr != nil {
		return herr
	}
	if req.Code == nil || strings.TrimSpace(*req.Code) == "" {
		return errInvalid("code is required")
	}
	if len(*req.Code) > s.cfg.MaxCodeBytes {
		return errTooLarge("code exceeds the limit of " + sizeText(s.cfg.MaxCodeBytes))
	}
	stdin := ""
	if req.Stdin != nil {
		stdin = *req.Stdin
	}
	if len(stdin) > maxShareStdin {
		return errTooLarge("stdin exceeds the limit of " + sizeText(maxShareStdin) + " for a shared program")
	}
	if strings.ContainsRune(*req.Code, 0) || strings.ContainsRune(stdin, 0) {
		return errInvalid("code and stdin must not contain NUL characters")
	}
	sh := store.Share{ID: newShareID(), Code: *req.Code, Stdin: stdin, OwnerID: owner, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := s.shares.CreateShare(r.Context(), sh); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewShare(sh))
	return nil
}

// maxShareStdin bounds a shared program's input.
const maxShareStdin = 64 << 10

func viewShare(sh store.Share) shareView {
	return shareView{ID: sh.ID, URL: "/s/" + sh.ID, Code: sh.Code, Stdin: sh.Stdin, CreatedAt: sh.CreatedAt}
}

func (s *Server) getShare(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	notFound := errNotFound("shared program " + id + " was not found")
	if !isShareID(id) {
		return notFound
	}
	sh, err := s.shares.Share(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=3600") // immutable
	writeJSON(w, http.StatusOK, viewShare(sh))
	return nil
}

// sharePage serves the UI at /s/{id}; the page loads the program.
func (s *Server) sharePage(w http.ResponseWriter, r *http.Request) error {
	if !isShareID(r.PathValue("id")) {
		return errNotFound("shared program " + r.PathValue("id") + " was not found")
	}
	return s.indexPage(w, r)
}
