package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type ctxKey int

const requestIDKey ctxKey = iota

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// isUUID reports whether s is a UUID in its canonical textual form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (and the WebSocket upgrade) reach the
// underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// middleware gives every request an id, recovers panics, logs, and records
// metrics by route pattern.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newUUID()
		w.Header().Set("X-Request-Id", id)
		browserHeaders(w.Header())
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		rec := &statusRecorder{ResponseWriter: w}
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rec.status == 0 {
					s.writeError(rec, r, fmt.Errorf("panic: %v", p))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			s.metrics.observeRequest(route, rec.status, elapsed)
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", id),
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", route), slog.Int("status", rec.status),
				slog.String("duration", strconv.FormatFloat(elapsed.Seconds()*1000, 'f', 1, 64)+"ms"))
		}()
		if s.cors(rec, r) {
			return // a CORS preflight, answered
		}
		if herr := queryText(r); herr != nil {
			s.writeError(rec, r, herr)
			return
		}
		if herr := s.crossSite(r); herr != nil {
			s.writeError(rec, r, herr)
			return
		}
		if storeBound(r.URL.Path) {
			// These requests only read and write the database: bound them, so
			// that a database that hangs cannot hold connections for long.
			ctx, cancel := context.WithTimeout(r.Context(), storeRequestTimeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(rec, r)
	})
}

// storeRequestTimeout bounds requests that only use the database.
const storeRequestTimeout = 10 * time.Second

func storeBound(path string) bool {
	return strings.HasPrefix(path, "/auth/") || path == "/snippets" || strings.HasPrefix(path, "/snippets/") ||
		path == "/search" || strings.HasPrefix(path, "/search/")
}

// queryText refuses query parameters that are not valid UTF-8 or hold a
// NUL character: no route has a use for them, and PostgreSQL cannot hold
// them.
func queryText(r *http.Request) *httpError {
	for name, values := range r.URL.Query() {
		for _, v := range append(values, name) {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return errInvalid("query parameter " + strconv.Quote(name) + " must be UTF-8 text without NUL characters")
			}
		}
	}
	return nil
}
