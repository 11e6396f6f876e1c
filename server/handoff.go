package server

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/coderemote/coderemote/store"
)

// Bus connects the processes that share a PostgreSQL database, so that a
// request naming a WebSocket connection reaches the process holding it
// (behind a load balancer, the request and the socket often land on
// different replicas). *store.DB implements it; without one (SQLite, one
// process) a connection id names a socket of this process or nothing.
type Bus interface {
	// Handoff keeps body under id for the process that takes it, and
	// notifies channel with payload once it is committed.
	Handoff(ctx context.Context, id string, body []byte, expires time.Time, channel, payload string) error
	// TakeHandoff removes and returns a handoff (store.ErrNotFound when it
	// is gone); one taker wins.
	TakeHandoff(ctx context.Context, id string) ([]byte, error)
	Notify(ctx context.Context, channel, payload string) error
}

const (
	// handoffWait is how long the process that received a request waits for
	// the socket's process to take it before deciding no process holds the
	// connection. Processes that listen answer within milliseconds.
	handoffWait = 2 * time.Second
	// handoffTTL bounds how long an untaken handoff stays in the database.
	handoffTTL = time.Minute
)

// handoff is a request for a WebSocket connection held by another process.
type handoff struct {
	Kind    string `json:"kind"` // "execute" or "analyze"
	JobID   string `json:"job_id"`
	ConnID  string `json:"connection_id"`
	UserID  string `json:"user_id,omitempty"`
	Session string `json:"session,omitempty"` // the anonymous session's id
	IP      string `json:"ip"`
	// execute
	Code      string `json:"code,omitempty"`
	Stdin     string `json:"stdin,omitempty"`
	TimeoutMS int64  `json:"timeout_ms,omitempty"`
	SnippetID string `json:"snippet_id,omitempty"`
	// analyze
	Analyze *analyzeRequest `json:"analyze,omitempty"`
}

// handoffAck is the taker's answer: Status 0 when the request was
// accepted, else the error the requester returns to its client.
type handoffAck struct {
	ID         string `json:"id"`
	Status     int    `json:"status,omitempty"`
	Code       string `json:"code,omitempty"`
	Msg        string `json:"msg,omitempty"`
	RetryAfter int64  `json:"retry_after_ms,omitempty"`
}

// handoffs are the requests this process has handed to others and waits on.
type handoffs struct {
	mu      sync.Mutex
	waiting map[string]chan handoffAck
}

func (h *handoffs) wait(id string) (chan handoffAck, func()) {
	ch := make(chan handoffAck, 1)
	h.mu.Lock()
	if h.waiting == nil {
		h.waiting = map[string]chan handoffAck{}
	}
	h.waiting[id] = ch
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.waiting, id)
		h.mu.Unlock()
	}
}

func (h *handoffs) answer(a handoffAck) {
	h.mu.Lock()
	ch := h.waiting[a.ID]
	h.mu.Unlock()
	if ch != nil {
		select {
		case ch <- a:
		default:
		}
	}
}

var errNoConnection = errInvalid("connection_id does not name an open WebSocket connection")

// handOff gives h to whichever process holds its connection and returns
// that process's answer: nil when it accepted the request.
func (s *Server) handOff(ctx context.Context, h handoff) *httpError {
	if s.bus == nil {
		return errNoConnection
	}
	body, err := json.Marshal(h)
	if err != nil {
		return &httpError{Status: 500, Code: "internal", Msg: "internal error", Err: err}
	}
	answer, done := s.handoffs.wait(h.JobID)
	defer done()
	err = s.bus.Handoff(ctx, h.JobID, body, time.Now().Add(handoffTTL), store.ChannelHandoff, h.JobID+" "+h.ConnID)
	if err != nil {
		return s.httpErrorOf(err)
	}
	timer := time.NewTimer(handoffWait)
	defer timer.Stop()
	select {
	case a := <-answer:
		return a.err()
	case <-ctx.Done():
	case <-timer.C:
	}
	// No answer: withdraw the request, unless a process has just taken it.
	withdrawCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := s.bus.TakeHandoff(withdrawCtx, h.JobID); err == nil {
		return errNoConnection
	} else if !errors.Is(err, store.ErrNotFound) {
		return s.httpErrorOf(err)
	}
	timer.Reset(handoffWait)
	select {
	case a := <-answer:
		return a.err()
	case <-timer.C:
		return nil // taken: its answer was lost, its result will not be
	}
}

func (a handoffAck) err() *httpError {
	if a.Status == 0 {
		return nil
	}
	return &httpError{Status: a.Status, Code: a.Code, Msg: a.Msg, RetryAfter: time.Duration(a.RetryAfter) * time.Millisecond}
}

// Notified takes a notification from the processes sharing the database
// (store.Listen delivers them). An empty payload only says that some may
// have been missed; handoffs left unanswered expire.
func (s *Server) Notified(channel, payload string) {
	switch channel {
	case store.ChannelHandoff:
		id, connID, ok := strings.Cut(payload, " ")
		if !ok || s.conn(connID) == nil {
			return
		}
		go s.takeHandoff(id, connID)
	case store.ChannelRoom:
		s.roomHub.notified(payload)
	case store.ChannelHandoffAck:
		var a handoffAck
		if json.Unmarshal([]byte(payload), &a) == nil {
			s.handoffs.answer(a)
		}
	}
}

// takeHandoff runs, on the connection this process holds, a request
// another process received, and tells that process how it went.
func (s *Server) takeHandoff(id, connID string) {
	ctx, cancel := context.WithTimeout(s.runCtx, 10*time.Second)
	defer cancel()
	body, err := s.bus.TakeHandoff(ctx, id)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("handoff: take", "err", err, "job_id", id)
		}
		return
	}
	var h handoff
	if err := json.Unmarshal(body, &h); err != nil {
		s.log.Error("handoff: decode", "err", err, "job_id", id)
		return
	}
	herr := s.acceptHandoff(ctx, h)
	a := handoffAck{ID: id}
	if herr != nil {
		a = handoffAck{ID: id, Status: herr.Status, Code: herr.Code, Msg: herr.Msg, RetryAfter: herr.RetryAfter.Milliseconds()}
	}
	b, _ := json.Marshal(a)
	if err := s.bus.Notify(ctx, store.ChannelHandoffAck, string(b)); err != nil {
		s.log.Error("handoff: answer", "err", err, "job_id", id)
	}
}

func (s *Server) acceptHandoff(ctx context.Context, h handoff) *httpError {
	conn := s.conn(h.ConnID)
	if conn == nil {
		return errNoConnection
	}
	c := caller{ip: h.IP, session: h.Session}
	if h.UserID != "" {
		if s.users == nil {
			return errUnauthorized("this server has no accounts")
		}
		u, err := s.users.UserByID(ctx, h.UserID)
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized("the account no longer exists")
		}
		if err != nil {
			return s.httpErrorOf(err)
		}
		c.user = &u
	}
	switch h.Kind {
	case "execute":
		p := runParams{Code: h.Code, Stdin: h.Stdin, Timeout: time.Duration(h.TimeoutMS) * time.Millisecond, SnippetID: h.SnippetID}
		return conn.startRun(c, h.JobID, p, false)
	case "analyze":
		if h.Analyze == nil {
			return errInvalid("an analysis request without its body")
		}
		go conn.streamAnalysis(c, h.JobID, *h.Analyze)
		return nil
	}
	return errInvalid("unknown request kind " + h.Kind)
}
