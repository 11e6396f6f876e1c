package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/coderemote/coderemote/store"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// httpError is what a handler returns to fail a request: Status and Code
// and Msg are what the client sees; Err is logged and never shown.
type httpError struct {
	Status     int
	Code       string
	Msg        string
	Err        error
	RetryAfter time.Duration
}

func (e *httpError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.Status, e.Code, e.Msg, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Msg)
}

func (e *httpError) Unwrap() error { return e.Err }

func errBadRequest(msg string) *httpError {
	return &httpError{Status: http.StatusBadRequest, Code: "bad_request", Msg: msg}
}

func errInvalid(msg string) *httpError {
	return &httpError{Status: http.StatusUnprocessableEntity, Code: "invalid", Msg: msg}
}

func errTooLarge(msg string) *httpError {
	return &httpError{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Msg: msg}
}

func errNotFound(msg string) *httpError {
	return &httpError{Status: http.StatusNotFound, Code: "not_found", Msg: msg}
}

func errOverloaded(retry time.Duration) *httpError {
	return &httpError{Status: http.StatusServiceUnavailable, Code: "overloaded",
		Msg: "the execution queue is full; try again shortly", RetryAfter: retry}
}

func errRateLimited(retry time.Duration) *httpError { return errTooMany("too many requests", retry) }

// errTooMany is a 429 that says what there were too many of, and when to
// try again.
func errTooMany(what string, retry time.Duration) *httpError {
	return &httpError{Status: http.StatusTooManyRequests, Code: "rate_limited",
		Msg: what + "; try again in " + strconv.Itoa(retrySeconds(retry)) + " s", RetryAfter: retry}
}

func errUnavailable(msg string) *httpError {
	return &httpError{Status: http.StatusServiceUnavailable, Code: "unavailable", Msg: msg}
}

// errorBody is the JSON body of every non-2xx response.
type errorBody struct {
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// handlerFunc is a handler that can fail; see (*Server).handle.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc: an *httpError is rendered as is, any other
// error becomes a generic 500 whose cause only the log sees.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	he := s.httpErrorOf(err)
	if he.Code == "internal" {
		he.Msg = "internal error (request " + requestID(r.Context()) + ")"
	}
	level := slog.LevelDebug
	if he.Status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(r.Context(), level, "request failed", "request_id", requestID(r.Context()),
		"status", he.Status, "code", he.Code, "err", he.Error())
	if he.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(he.RetryAfter)))
	}
	if he.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	writeJSON(w, he.Status, errorBody{Detail: he.Msg, Code: he.Code})
}

func retrySeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// httpErrorOf is what the client is told of err.
func (s *Server) httpErrorOf(err error) *httpError {
	var he *httpError
	switch {
	case errors.As(err, &he):
		return he
	case store.Full(err):
		s.storageFullAt.Store(time.Now().UnixNano())
		return &httpError{Status: http.StatusInsufficientStorage, Code: "storage_full",
			Msg: "the server's storage is full; nothing was saved. Try again later", Err: err}
	case store.Unavailable(err):
		return &httpError{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Msg: "the database is not available; try again shortly", RetryAfter: 5 * time.Second, Err: err}
	}
	return &httpError{Status: http.StatusInternalServerError, Code: "internal", Msg: "internal error", Err: err}
}
