package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/store"
)

const (
	wsSendQueue      = 256              // messages buffered for a client before it counts as slow
	wsWriteTimeout   = 10 * time.Second // for one message
	wsPingInterval   = 30 * time.Second
	wsMaxJobsPerConn = 4
)

// wsConn is one WebSocket client.
type wsConn struct {
	s  *Server
	id string
	c  *websocket.Conn
	ip string
	// session is the anonymous session the connection was opened with.
	session string
	send    chan []byte
	// closing asks the writer to send what is queued, then a close frame;
	// writerDone is closed when the writer has stopped.
	closing    chan struct{}
	closeOnce  sync.Once
	writerDone chan struct{}
	ctx        context.Context
	cancel     context.CancelFunc

	mu   sync.Mutex
	jobs map[string]*wsJob
	user *store.User // set by ?token= or an auth message
}

type wsJob struct {
	cancel context.CancelFunc
	stdin  *inputPipe
}

type wsIncoming struct {
	Action string `json:"action"`
	executeRequest
	Data  *string `json:"data"`
	EOF   bool    `json:"eof"`
	Token string  `json:"token"`
}

func (s *Server) websocket(w http.ResponseWriter, r *http.Request) error {
	r = r.WithContext(withRunning(r.Context())) // a connection is for running code
	user, herr := s.socketUser(r)
	if herr != nil {
		return herr
	}
	ip := s.clientIP(r)
	session := s.sessionOf(r)
	release, herr := s.holdSocket(caller{user: user, session: session, ip: ip})
	if herr != nil {
		return herr
	}
	defer release()
	c := s.acceptSocket(w, r)
	if c == nil {
		return nil // Accept has written the HTTP error
	}
	c.SetReadLimit(s.wsReadLimit())
	ctx, cancel := context.WithCancel(context.Background())
	conn := &wsConn{s: s, id: newUUID(), c: c, ip: ip, session: session, send: make(chan []byte, wsSendQueue),
		closing: make(chan struct{}), writerDone: make(chan struct{}),
		ctx: ctx, cancel: cancel, jobs: map[string]*wsJob{}, user: user}
	s.mu.Lock()
	s.conns[conn.id] = conn
	s.mu.Unlock()
	s.metrics.wsConns.Inc()
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn.id)
		s.mu.Unlock()
		s.metrics.wsConns.Dec()
		conn.cancel()
		conn.cancelJobs()
	}()
	go conn.writeLoop()
	conn.readLoop()
	return nil
}

// socketUser is who opens a WebSocket: a token in ?token= (browsers cannot
// set headers on one), or the usual Authorization header, or nobody.
func (s *Server) socketUser(r *http.Request) (*store.User, *httpError) {
	if tok := r.URL.Query().Get("token"); tok != "" {
		return s.authenticate(r.Context(), tok)
	}
	return s.optionalUser(r)
}

// holdSocket counts a WebSocket against its address: an address may hold
// WSPerIP connections per share (a class behind one address opens one
// each). release gives the place back.
func (s *Server) holdSocket(who caller) (release func(), herr *httpError) {
	share := s.addressShare(who, time.Now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wsPerIP[who.ip] >= s.cfg.WSPerIP*share {
		return nil, &httpError{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Msg: "too many WebSocket connections from this address", RetryAfter: 10 * time.Second}
	}
	s.wsPerIP[who.ip]++
	return func() {
		s.mu.Lock()
		if s.wsPerIP[who.ip]--; s.wsPerIP[who.ip] <= 0 {
			delete(s.wsPerIP, who.ip)
		}
		s.mu.Unlock()
	}, nil
}

// acceptSocket upgrades the request; nil when it could not (Accept has
// written the HTTP error). The server's read and write timeouts are for
// requests; a WebSocket lives as long as its pings answer.
func (s *Server) acceptSocket(w http.ResponseWriter, r *http.Request) *websocket.Conn {
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.cfg.WSOrigins})
	if err != nil {
		return nil
	}
	return c
}

// wsReadLimit is the largest message a client may send: an execute message
// with the largest program and input, each as much as doubled by JSON's
// escaping, and room for the other fields.
func (s *Server) wsReadLimit() int64 {
	return int64(2*(s.cfg.MaxCodeBytes+s.cfg.MaxStdinBytes) + 16<<10)
}

func (s *Server) conn(id string) *wsConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[id]
}

func (c *wsConn) readLoop() {
	for {
		_, data, err := c.c.Read(c.ctx)
		if err != nil {
			return
		}
		var msg wsIncoming
		if herr := unmarshalStrict(data, &msg); herr != nil {
			c.sendError("", herr)
			continue
		}
		c.dispatch(msg)
	}
}

func (c *wsConn) dispatch(msg wsIncoming) {
	switch msg.Action {
	case "ping":
		c.sendJSON(map[string]string{"type": "pong", "connection_id": c.id})
	case "execute":
		c.execute(msg)
	case "stdin":
		c.stdin(msg)
	case "cancel":
		if j := c.job(jobIDOf(msg)); j != nil {
			j.cancel()
		} else {
			c.sendError(jobIDOf(msg), errNotFound("no running job "+jobIDOf(msg)+" on this connection"))
		}
	case "auth":
		c.authMessage(msg.Token)
	default:
		c.sendError("", errBadRequest("unknown action "+quote(msg.Action)+"; expected ping, execute, stdin or cancel"))
	}
}

func jobIDOf(msg wsIncoming) string {
	if msg.JobID == nil {
		return ""
	}
	return *msg.JobID
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

func (c *wsConn) execute(msg wsIncoming) {
	id := jobIDOf(msg)
	if id == "" {
		id = newUUID()
	} else if !isUUID(id) {
		c.sendError(id, errInvalid("job_id must be a UUID"))
		return
	}
	p, herr := c.s.validate(msg.executeRequest)
	if herr != nil {
		c.sendError(id, herr)
		return
	}
	who, herr := c.s.checkCaller(caller{user: c.currentUser(), session: c.session, ip: c.ip})
	if herr == nil {
		herr = c.s.admit(who)
	}
	if herr != nil {
		c.sendError(id, herr)
		return
	}
	if err := c.startRun(who, id, p, true); err != nil {
		c.sendError(id, err)
	}
}

// startRun runs a program for this connection, streaming its output. With
// interactive set, stdin stays open after p.Stdin for stdin actions.
func (c *wsConn) startRun(who caller, id string, p runParams, interactive bool) *httpError {
	in := newInputPipe(c.s.cfg.MaxStdinBytes - len(p.Stdin))
	if !interactive {
		in.Close()
	}
	ctx, cancel := context.WithCancel(c.ctx)
	c.mu.Lock()
	if len(c.jobs) >= wsMaxJobsPerConn {
		c.mu.Unlock()
		cancel()
		return &httpError{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Msg: "at most 4 programs may run at once on one connection", RetryAfter: time.Second}
	}
	if _, taken := c.jobs[id]; taken {
		c.mu.Unlock()
		cancel()
		return &httpError{Status: http.StatusConflict, Code: "conflict", Msg: "job_id " + id + " is already running"}
	}
	if err := c.s.begin(); err != nil {
		c.mu.Unlock()
		cancel()
		return err
	}
	c.jobs[id] = &wsJob{cancel: cancel, stdin: in}
	c.mu.Unlock()
	c.sendJSON(map[string]string{"type": "execution_started", "job_id": id})
	go c.run(ctx, cancel, who, id, p, in)
	return nil
}

func (c *wsConn) run(ctx context.Context, cancel context.CancelFunc, who caller, id string, p runParams, in *inputPipe) {
	defer func() {
		cancel()
		in.Close()
		c.mu.Lock()
		delete(c.jobs, id)
		c.mu.Unlock()
		c.s.active.Done()
	}()
	res, err := c.s.runJob(ctx, who, id, p, runHooks{
		stdin: in,
		output: func(stream sandbox.Stream, data []byte) {
			c.sendJSON(outputMessage{Type: "execution_output", JobID: id, Stream: string(stream), Data: string(data)})
		},
		waiting: func() { c.sendJSON(map[string]string{"type": "execution_waiting_input", "job_id": id}) },
	})
	if err != nil {
		var herr *httpError
		if !errors.As(err, &herr) {
			herr = &httpError{Status: 500, Code: "internal", Msg: "internal error"}
		}
		c.sendError(id, herr)
		return
	}
	c.sendJSON(resultMessage{Type: "execution_result", ExecutionResult: res})
}

type outputMessage struct {
	Type   string `json:"type"`
	JobID  string `json:"job_id"`
	Stream string `json:"stream"`
	Data   string `json:"data"`
}

type resultMessage struct {
	Type string `json:"type"`
	ExecutionResult
}

func (c *wsConn) stdin(msg wsIncoming) {
	j := c.job(jobIDOf(msg))
	if j == nil {
		c.sendError(jobIDOf(msg), errNotFound("no running job "+jobIDOf(msg)+" on this connection"))
		return
	}
	if msg.Data != nil {
		if _, err := j.stdin.Write([]byte(*msg.Data)); err != nil {
			c.sendError(jobIDOf(msg), errTooLarge(err.Error()))
			return
		}
	}
	if msg.EOF {
		j.stdin.Close()
	}
}

func (c *wsConn) currentUser() *store.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user
}

// authMessage signs the connection in ({"action":"auth","token"}).
func (c *wsConn) authMessage(token string) {
	u, herr := c.s.authenticate(c.ctx, token)
	if herr != nil {
		c.sendError("", herr)
		return
	}
	c.mu.Lock()
	c.user = u
	c.mu.Unlock()
	c.sendJSON(map[string]any{"type": "auth_ok", "user": viewUser(*u)})
}

func (c *wsConn) job(id string) *wsJob {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.jobs[id]
}

func (c *wsConn) cancelJobs() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, j := range c.jobs {
		j.cancel()
	}
}

type errorMessage struct {
	Type   string `json:"type"`
	JobID  string `json:"job_id,omitempty"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

func (c *wsConn) sendError(jobID string, e *httpError) {
	c.sendJSON(errorMessage{Type: "error", JobID: jobID, Detail: e.Msg, Code: e.Code})
}

// sendJSON queues a message; a client too slow to keep up is disconnected
// rather than buffered without bound.
func (c *wsConn) sendJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.s.log.Error("ws: marshal", "err", err)
		return
	}
	select {
	case <-c.ctx.Done():
	case c.send <- b:
	default:
		c.s.log.Warn("ws: disconnecting a slow client", "connection_id", c.id)
		c.c.Close(websocket.StatusPolicyViolation, "client too slow to read its messages")
		c.cancel()
	}
}

func (c *wsConn) writeLoop() {
	defer close(c.writerDone)
	ping := time.NewTicker(wsPingInterval)
	defer ping.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.closing:
			c.drainAndClose()
			return
		case b := <-c.send:
			if !c.write(b) {
				return
			}
		case <-ping.C:
			ctx, cancel := context.WithTimeout(c.ctx, wsWriteTimeout)
			err := c.c.Ping(ctx)
			cancel()
			if err != nil {
				c.cancel()
				return
			}
		}
	}
}

func (c *wsConn) write(b []byte) bool {
	ctx, cancel := context.WithTimeout(c.ctx, wsWriteTimeout)
	defer cancel()
	if err := c.c.Write(ctx, websocket.MessageText, b); err != nil {
		c.cancel()
		return false
	}
	return true
}

func (c *wsConn) drainAndClose() {
	for {
		select {
		case b := <-c.send:
			if !c.write(b) {
				return
			}
		default:
			c.c.Close(websocket.StatusGoingAway, "server shutting down")
			return
		}
	}
}

// closeGoingAway sends the messages already queued (results of cancelled
// runs among them), then closes the connection.
func (c *wsConn) closeGoingAway() {
	c.closeOnce.Do(func() { close(c.closing) })
	select {
	case <-c.writerDone:
	case <-time.After(wsWriteTimeout):
	}
	c.cancel()
}
