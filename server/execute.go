package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/store"
)

// executeRequest is the body of POST /execute and /execute/async and the
// WebSocket execute action.
type executeRequest struct {
	Code           *string  `json:"code"`
	Stdin          *string  `json:"stdin"`
	TimeoutSeconds *float64 `json:"timeout_seconds"`
	SnippetID      *string  `json:"snippet_id"`
	ConnectionID   *string  `json:"connection_id"`
	JobID          *string  `json:"job_id"`
}

// runParams is a validated executeRequest.
type runParams struct {
	Code      string
	Stdin     string
	Timeout   time.Duration
	SnippetID string
}

// ExecutionResult is the API's result of a run.
type ExecutionResult struct {
	sandbox.Result
	JobID string `json:"job_id"`
}

// decodeJSON reads one JSON object of at most limit bytes into v.
func decodeJSON(body io.Reader, limit int, v any) *httpError {
	data, err := io.ReadAll(io.LimitReader(body, int64(limit)+1))
	if err != nil {
		return errBadRequest("could not read the request body")
	}
	if len(data) > limit {
		return errTooLarge(fmt.Sprintf("request body exceeds the limit of %s", sizeText(limit)))
	}
	if !utf8.Valid(data) {
		return errInvalid("the request body is not valid UTF-8")
	}
	return unmarshalStrict(data, v)
}

// decodeText is decodeJSON for what is stored: no string may hold a NUL
// character, which PostgreSQL's text cannot hold (SQLite could), so that
// both backends accept the same input.
func decodeText(body io.Reader, limit int, v any) *httpError {
	data, err := io.ReadAll(io.LimitReader(body, int64(limit)+1))
	if err != nil {
		return errBadRequest("could not read the request body")
	}
	if hasNULEscape(data) {
		return errInvalid("text may not contain NUL characters (\\u0000)")
	}
	return decodeJSON(bytes.NewReader(data), limit, v)
}

// hasNULEscape reports whether JSON text holds the escape \u0000 (raw NUL
// bytes are not valid JSON and fail to decode anyway).
func hasNULEscape(data []byte) bool {
	for i := 0; i+6 <= len(data); i++ {
		if data[i] != '\\' || (data[i+1] != 'u' && data[i+1] != 'U') || string(data[i+2:i+6]) != "0000" {
			continue
		}
		slashes := 0
		for j := i; j >= 0 && data[j] == '\\'; j-- {
			slashes++
		}
		if slashes%2 == 1 {
			return true
		}
	}
	return false
}

func unmarshalStrict(data []byte, v any) *httpError {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return errBadRequest(fmt.Sprintf("field %s must be a %s", typeErr.Field, jsonKind(typeErr.Type.String())))
		}
		return errBadRequest("the request body is not valid JSON: " + err.Error())
	}
	if dec.More() {
		return errBadRequest("the request body has data after the JSON object")
	}
	return nil
}

func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "string"):
		return "string"
	case strings.Contains(goType, "float"), strings.Contains(goType, "int"):
		return "number"
	case strings.Contains(goType, "bool"):
		return "boolean"
	}
	return "value of another type"
}

// validate checks an execute request against the limits.
func (s *Server) validate(req executeRequest) (runParams, *httpError) {
	var p runParams
	if req.Code == nil {
		return p, errInvalid("code is required")
	}
	p.Code = *req.Code
	if len(p.Code) == 0 {
		return p, errInvalid("code must not be empty")
	}
	if len(p.Code) > s.cfg.MaxCodeBytes {
		return p, errTooLarge(fmt.Sprintf("code is %s, over the limit of %s", sizeText(len(p.Code)), sizeText(s.cfg.MaxCodeBytes)))
	}
	if req.Stdin != nil {
		p.Stdin = *req.Stdin
		if len(p.Stdin) > s.cfg.MaxStdinBytes {
			return p, errTooLarge(fmt.Sprintf("stdin is %s, over the limit of %s", sizeText(len(p.Stdin)), sizeText(s.cfg.MaxStdinBytes)))
		}
	}
	p.Timeout = s.cfg.DefaultTimeout
	if t := req.TimeoutSeconds; t != nil {
		maxT := s.cfg.MaxTimeout.Seconds()
		if math.IsNaN(*t) || *t <= 0 || *t > maxT {
			return p, errInvalid(fmt.Sprintf("timeout_seconds must be greater than 0 and at most %g", maxT))
		}
		p.Timeout = time.Duration(*t * float64(time.Second))
	}
	if req.SnippetID != nil {
		if !isUUID(*req.SnippetID) {
			return p, errInvalid("snippet_id must be a UUID")
		}
		p.SnippetID = *req.SnippetID
	}
	return p, nil
}

// requestLimit is the most an execute body may be: the code and stdin, JSON
// escaping (up to 6 bytes per byte), and some room for the other fields.
func (s *Server) requestLimit() int {
	return 6*(s.cfg.MaxCodeBytes+s.cfg.MaxStdinBytes) + 4096
}

// runRequest authenticates, rate-limits, decodes and validates an
// execute request (POST /execute and /execute/async).
func (s *Server) runRequest(r *http.Request) (caller, executeRequest, runParams, *httpError) {
	var req executeRequest
	c, herr := s.callerOf(r)
	if herr == nil {
		herr = s.admit(c)
	}
	if herr == nil {
		herr = decodeJSON(r.Body, s.requestLimit(), &req)
	}
	if herr != nil {
		return c, req, runParams{}, herr
	}
	p, herr := s.validate(req)
	return c, req, p, herr
}

func (s *Server) execute(w http.ResponseWriter, r *http.Request) error {
	c, _, p, herr := s.runRequest(r)
	if herr != nil {
		return herr
	}
	if err := s.begin(); err != nil {
		return err
	}
	defer s.active.Done()
	res, err := s.runJob(r.Context(), c, newUUID(), p, runHooks{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// caller is who asks for a run: a user, or an anonymous client IP.
type caller struct {
	user    *store.User
	session string // the anonymous session's id, if the request had a valid one
	ip      string
}

// key identifies the caller to the sandbox's fair scheduling and the rate
// limits: the user if signed in, else the browser's session, else the
// client address.
func (c caller) key() string {
	switch {
	case c.user != nil:
		return "user:" + c.user.ID
	case c.session != "":
		return "session:" + c.session
	}
	return "ip:" + c.ip
}

// shareOf is the caller's weight in the sandbox's scheduling.
func (s *Server) shareOf(c caller) int {
	if c.user != nil {
		return s.cfg.UserShare
	}
	return 1
}

func (c caller) userID() string {
	if c.user == nil {
		return ""
	}
	return c.user.ID
}

// callerOf authenticates an execution request: a token is optional while
// anonymous execution is allowed, but a bad token is always a 401. While
// the database is unreachable, a signed-in user runs as last seen
// (knownUsers).
func (s *Server) callerOf(r *http.Request) (caller, *httpError) {
	u, herr := s.optionalUser(r.WithContext(withRunning(r.Context())))
	if herr != nil {
		return caller{}, herr
	}
	return s.checkCaller(caller{user: u, session: s.sessionOf(r), ip: s.clientIP(r)})
}

func (s *Server) checkCaller(c caller) (caller, *httpError) {
	if c.user == nil && s.cfg.RequireAccount {
		return c, errUnauthorized("sign in to run code on this server")
	}
	return c, nil
}

// admit applies the rate limits: the caller's own (per user when signed
// in, else per session, else per address), then its address's, whose rate
// is the per-client rate times the address's share (addressShare).
func (s *Server) admit(c caller) *httpError {
	now := time.Now()
	ok, retry := false, time.Duration(0)
	if c.user != nil {
		ok, retry = s.userLimiter.allow(c.key(), now)
	} else {
		ok, retry = s.limiter.allow(c.key(), now)
	}
	if ok {
		ok, retry = s.addrLimiter.allowScaled("ip:"+c.ip, now, float64(s.addressShare(c, now)))
	}
	if !ok {
		return errRateLimited(retry)
	}
	return nil
}

// addressShare records the caller as active behind its address and returns
// the address's share: its active sessions and users (a user counts
// UserShare), at least 1, at most AddressCap (times ClassroomMultiple in a
// classroom network).
func (s *Server) addressShare(c caller, now time.Time) int {
	return s.ids.touch(c.ip, c.key(), s.shareOf(c), s.addressCap(c.ip), now)
}

// begin counts a run that Shutdown must wait for, from its admission until
// its result is delivered; it refuses runs once shutdown has begun.
func (s *Server) begin() *httpError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		return errUnavailable("the server is shutting down")
	}
	s.active.Add(1)
	return nil
}

// runHooks connects a run to its client.
type runHooks struct {
	stdin   io.Reader
	started func()
	output  func(sandbox.Stream, []byte)
	waiting func()
}

// runJob runs a program as job id, records it, and returns its result. The
// run stops when ctx is done or the server shuts down.
func (s *Server) runJob(ctx context.Context, c caller, id string, p runParams, h runHooks) (ExecutionResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.runCtx, cancel)
	defer stop()
	if !s.jobs.add(id, c.userID()) {
		return ExecutionResult{}, &httpError{Status: http.StatusConflict, Code: "conflict", Msg: "job_id " + id + " is already in use"}
	}
	start := time.Now()
	res, err := s.runner.Run(ctx, sandbox.Request{
		Code: p.Code, Timeout: p.Timeout, Input: []byte(p.Stdin), Stdin: h.stdin,
		Client: c.key(), Share: s.shareOf(c), Group: c.ip, GroupShare: s.addressShare(c, time.Now()),
		OnStart:        func() { s.jobs.setRunning(id); callIf(h.started) },
		OnOutput:       h.output,
		OnWaitingInput: h.waiting,
	})
	elapsed := time.Since(start)
	if err != nil {
		s.jobs.remove(id)
		var limit *sandbox.LimitError
		switch {
		case errors.Is(err, sandbox.ErrBusy):
			s.metrics.observeExecution("rejected_busy", elapsed)
			return ExecutionResult{}, errOverloaded(2 * time.Second)
		case errors.Is(err, sandbox.ErrQueueTimeout):
			s.metrics.observeExecution("rejected_queue_wait", elapsed)
			return ExecutionResult{}, &httpError{Status: http.StatusServiceUnavailable, Code: "overloaded",
				Msg: "no sandbox worker became free in time; try again shortly", RetryAfter: 5 * time.Second}
		case errors.As(err, &limit):
			s.metrics.observeExecution("rejected_client_"+limit.Reason, elapsed)
			msg := "you have too many runs in progress; wait for one to finish"
			if limit.Reason == "budget" {
				msg = "your runs have used this minute's share of the sandbox; try again in " +
					strconv.Itoa(retrySeconds(limit.RetryAfter)) + " s"
			}
			return ExecutionResult{}, &httpError{Status: http.StatusTooManyRequests, Code: "rate_limited", Msg: msg, RetryAfter: limit.RetryAfter}
		}
		return ExecutionResult{}, errUnavailable("the sandbox is not available: " + err.Error())
	}
	out := ExecutionResult{Result: res, JobID: id}
	s.jobs.complete(id, out)
	s.afterRun(c, id, p, res, start)
	return out, nil
}

func callIf(f func()) {
	if f != nil {
		f()
	}
}

// afterRun records who ran what and how it ended (never the code itself),
// and counts the run on the caller's snippet.
func (s *Server) afterRun(c caller, id string, p runParams, res sandbox.Result, start time.Time) {
	finished := time.Now()
	outcome := "success"
	if res.ErrorType != nil {
		outcome = *res.ErrorType
	} else if !res.Success {
		outcome = "exit_nonzero"
	}
	s.metrics.observeExecution(outcome, finished.Sub(start))
	sum := sha256.Sum256([]byte(p.Code))
	hash := hex.EncodeToString(sum[:])
	s.log.Info("execution", "job_id", id, "user_id", c.userID(), "client", c.ip, "code_sha256", hash,
		"outcome", outcome, "exit_code", res.ExitCode, "duration_ms", res.ExecutionTimeMS,
		"stdout_bytes", len(res.Stdout), "stderr_bytes", len(res.Stderr))
	if s.store == nil {
		return
	}
	// The run is over: record it even if the client has gone.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec := store.Execution{JobID: id, UserID: c.userID(), Client: c.ip, CodeSHA256: hash, Outcome: outcome,
		ExitCode: res.ExitCode, DurationMS: res.ExecutionTimeMS, StartedAt: start.UTC(), FinishedAt: finished.UTC()}
	if res.ErrorType != nil {
		rec.ErrorType = *res.ErrorType
	}
	if c.user != nil && p.SnippetID != "" {
		err := s.snippets.RecordSnippetRun(ctx, c.user.ID, p.SnippetID, store.Now())
		if err == nil {
			rec.SnippetID = p.SnippetID
		} else if !errors.Is(err, store.ErrNotFound) { // not the caller's: ignored
			s.log.Error("record snippet run", "err", err, "job_id", id)
		}
	}
	if err := s.store.RecordExecution(ctx, rec); err != nil {
		s.log.Error("record execution", "err", err, "job_id", id)
	}
	if s.store.Backend() == "postgres" { // SQLite serves one process: its registry is enough
		s.saveJob(ctx, c, id, res)
	}
}

// maxSavedJobOutput bounds the output a job keeps in the database; past it
// the saved view has no output (output_dropped), as old jobs in the
// in-memory registry.
const maxSavedJobOutput = 256 << 10

// saveJob keeps the finished job in the database, so that GET /jobs/{id}
// answers on every process sharing it.
func (s *Server) saveJob(ctx context.Context, c caller, id string, res sandbox.Result) {
	v := jobView{JobID: id, Status: "completed", Result: &ExecutionResult{Result: res, JobID: id}}
	if outputSize(*v.Result) > maxSavedJobOutput {
		r := *v.Result
		r.Stdout, r.Stderr, r.Traceback = "", "", nil
		v.Result, v.OutputDropped = &r, true
	}
	s.putJob(ctx, c, v)
}

func (s *Server) putJob(ctx context.Context, c caller, v jobView) {
	b, err := json.Marshal(v)
	if err == nil {
		err = s.store.SaveJob(ctx, v.JobID, c.userID(), b, time.Now().Add(jobTTL))
	}
	if err != nil {
		s.log.Error("save job", "error", err, "job_id", v.JobID)
	}
}

type asyncAccepted struct {
	JobID  string `json:"job_id"`
	Status string `json:"status"`
}

func (s *Server) executeAsync(w http.ResponseWriter, r *http.Request) error {
	c, req, p, herr := s.runRequest(r)
	if herr != nil {
		return herr
	}
	if req.ConnectionID == nil || *req.ConnectionID == "" {
		return errInvalid("connection_id is required (send {\"action\":\"ping\"} on the WebSocket to get one)")
	}
	id := newUUID()
	s.announceJob(r.Context(), c, id)
	var err *httpError
	if conn := s.conn(*req.ConnectionID); conn != nil {
		err = conn.startRun(c, id, p, false)
	} else {
		err = s.handOff(r.Context(), handoff{Kind: "execute", JobID: id, ConnID: *req.ConnectionID,
			UserID: c.userID(), Session: c.session, IP: c.ip, Code: p.Code, Stdin: p.Stdin, TimeoutMS: p.Timeout.Milliseconds(), SnippetID: p.SnippetID})
	}
	if err != nil {
		s.withdrawJob(r.Context(), id)
		return err
	}
	writeJSON(w, http.StatusOK, asyncAccepted{JobID: id, Status: "queued"})
	return nil
}

// announceJob records a job as queued where every process sharing the
// database sees it, so that GET /jobs/{id} answers anywhere while it runs.
// (One process alone answers from its registry.) It is written before the
// job starts, so that its result, written when it ends, comes after it.
func (s *Server) announceJob(ctx context.Context, c caller, id string) {
	if s.bus != nil {
		s.putJob(ctx, c, jobView{JobID: id, Status: "queued"})
	}
}

// withdrawJob forgets an announced job that was refused.
func (s *Server) withdrawJob(ctx context.Context, id string) {
	if s.bus == nil {
		return
	}
	if err := s.store.DeleteJob(context.WithoutCancel(ctx), id); err != nil {
		s.log.Error("delete job", "error", err, "job_id", id)
	}
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) error {
	u, herr := s.optionalUser(r)
	if herr != nil {
		return herr
	}
	id := r.PathValue("id")
	userID := ""
	if u != nil {
		userID = u.ID
	}
	notFound := errNotFound("job " + id + " was not found (results are kept for " + jobTTL.String() + ")")
	if !isUUID(id) {
		return notFound
	}
	if j, ok := s.jobs.get(id, userID); ok {
		writeJSON(w, http.StatusOK, j)
		return nil
	}
	if s.store == nil {
		return notFound
	}
	// Finished on another process sharing the database?
	owner, view, err := s.store.Job(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && owner != "" && owner != userID {
		return notFound
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(view, '\n'))
	return nil
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
