package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/store"
)

// liveRoom is a room with members on this process.
type liveRoom struct {
	hub *roomHub
	id  string

	mu      sync.Mutex
	members map[string]*roomMember
	// lastSeq is the newest event of the log delivered to the members here
	// (-1 until the first joins).
	lastSeq int64
	room    store.Room // owner and controls, as of lastSeq
	// updates counts updates since the last snapshot.
	updates int64
	// closed: the last member left and the hub forgot this state.
	closed bool
}

// errRoomClosed: join found the room's state closed; ask the hub again.
var errRoomClosed = &httpError{Status: http.StatusServiceUnavailable, Code: "retry", Msg: "retry"}

// roomMember is one member's WebSocket connection.
type roomMember struct {
	lr       *liveRoom
	id       string // the member: stable across reconnections when the client sends a key
	conn     string // this connection
	name     string
	clientID uint32 // the member's Yjs client id (its awareness entry)
	who      caller
	c        *websocket.Conn
	send     chan []byte
	ctx      context.Context
	cancel   context.CancelFunc

	// replaced: the member has a newer connection (this one is being closed).
	replaced bool

	mu            sync.Mutex
	lastAwareness string // the member's last awareness message (base64)
	job           *wsJob
	jobID         string
}

// roomIncoming is a message from a member.
type roomIncoming struct {
	Type     string `json:"type"`
	Name     string `json:"name"`
	ClientID uint32 `json:"client_id"`
	// Data: a base64 Yjs update, awareness update or snapshot; a run's
	// standard input for "stdin".
	Data   string `json:"data"`
	Seq    int64  `json:"seq"`
	Key    string `json:"key"` // hello: the browser's secret for this room (the member's id follows from it)
	Mode   string `json:"mode"`
	Editor string `json:"editor"`
	EOF    bool   `json:"eof"`
	executeRequest
}

// roomMessage is a message to members (and, ephemeral ones, over the bus).
type roomMessage struct {
	Type     string          `json:"type"`
	Replica  string          `json:"replica,omitempty"` // the process it came from (bus)
	From     string          `json:"from,omitempty"`    // the member it came from
	Seq      int64           `json:"seq,omitempty"`
	Data     string          `json:"data,omitempty"`
	ClientID uint32          `json:"client_id,omitempty"`
	JobID    string          `json:"job_id,omitempty"`
	Stream   string          `json:"stream,omitempty"`
	Name     string          `json:"name,omitempty"`
	Mode     string          `json:"mode,omitempty"`
	Editor   string          `json:"editor,omitempty"`
	Members  []memberView    `json:"members,omitempty"`
	Run      json.RawMessage `json:"run,omitempty"`
	Code     string          `json:"code,omitempty"`
	Detail   string          `json:"detail,omitempty"`
}

type memberView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ClientID int64  `json:"client_id"` // the member's Yjs client id
	Owner    bool   `json:"owner"`
	CanEdit  bool   `json:"can_edit"`
}

// welcomeMessage is the first message a member gets: the document (a
// snapshot and the updates after it), the room's controls and members, and
// the recent runs.
type welcomeMessage struct {
	Type         string            `json:"type"`
	Member       string            `json:"member"`
	Owner        bool              `json:"owner"`
	Mode         string            `json:"mode"`
	Editor       string            `json:"editor"`
	Snapshot     string            `json:"snapshot,omitempty"`
	Updates      []string          `json:"updates"`
	LastSeq      int64             `json:"last_seq"`
	Runs         []json.RawMessage `json:"runs"`
	MaxMembers   int               `json:"max_members"`
	MaxUpdate    int               `json:"max_update"`
	Awareness    []string          `json:"awareness"`
	ExpiresAfter float64           `json:"expires_after_seconds"`
}

// roomRun is a run's record in the log.
type roomRun struct {
	JobID    string    `json:"job_id"`
	Member   string    `json:"member"`
	Name     string    `json:"name"`
	Code     string    `json:"code"`
	Stdout   string    `json:"stdout"`
	Stderr   string    `json:"stderr"`
	Success  bool      `json:"success"`
	Error    string    `json:"error,omitempty"`
	TimedOut bool      `json:"timed_out"`
	At       time.Time `json:"at"`
}

// roomRunOutputKept bounds each stream of a run kept in the log.
const roomRunOutputKept = 64 << 10

// roomSocket: GET /rooms/{id}/ws. Anyone with the link may join, up to the
// room's size; the first message must be a hello with the member's name.
func (s *Server) roomSocket(w http.ResponseWriter, r *http.Request) error {
	user, herr := s.socketUser(r)
	if herr != nil {
		return herr
	}
	room, herr := s.loadRoom(r)
	if herr != nil {
		return herr
	}
	who := caller{user: user, session: s.sessionOf(r), ip: s.clientIP(r)}
	release, herr := s.holdSocket(who)
	if herr != nil {
		return herr
	}
	defer release()
	c := s.acceptSocket(w, r)
	if c == nil {
		return nil
	}
	c.SetReadLimit(max(s.wsReadLimit(), 2*roomMaxUpdate))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := &roomMember{id: newUUID(), conn: newUUID(), who: who, c: c, send: make(chan []byte, wsSendQueue), ctx: ctx, cancel: cancel}
	if !room.EndedAt.IsZero() {
		m.refuse("room_ended", "this room has ended")
		return nil
	}
	if herr := m.hello(s, user, room.ID); herr != nil {
		m.refuse(herr.Code, herr.Msg)
		return nil
	}
	var lr *liveRoom
	for herr := errRoomClosed; herr == errRoomClosed; {
		lr = s.roomHub.live(room.ID)
		m.lr = lr
		if herr = lr.join(m); herr != nil && herr != errRoomClosed {
			s.roomHub.leave(lr, m)
			m.refuse(herr.Code, herr.Msg)
			return nil
		}
	}
	s.metrics.roomMembers.Inc()
	defer func() {
		s.metrics.roomMembers.Dec()
		m.cancelJob()
		s.roomHub.leave(lr, m)
		ctx := context.WithoutCancel(r.Context())
		if err := s.rooms.LeaveRoom(ctx, room.ID, m.id, m.conn); err != nil {
			s.log.Warn("rooms: leave", "error", err)
		}
		lr.mu.Lock()
		replaced := m.replaced
		lr.mu.Unlock()
		if !replaced {
			s.roomHub.announce(room.ID, roomMessage{Type: "left", From: m.id, ClientID: m.clientID, Replica: s.replica})
		}
		s.roomHub.announce(room.ID, roomMessage{Type: "members", Replica: s.replica})
	}()
	go m.writeLoop()
	s.roomHub.announce(room.ID, roomMessage{Type: "members", Replica: s.replica})
	m.readLoop(s)
	return nil
}

// hello reads the member's first message: its name and Yjs client id.
func (m *roomMember) hello(s *Server, user *store.User, roomID string) *httpError {
	ctx, cancel := context.WithTimeout(m.ctx, 30*time.Second)
	defer cancel()
	_, data, err := m.c.Read(ctx)
	if err != nil {
		return errBadRequest("no hello")
	}
	var msg roomIncoming
	if herr := unmarshalStrict(data, &msg); herr != nil || msg.Type != "hello" {
		return errBadRequest(`the first message must be {"type":"hello","name":…,"client_id":…}`)
	}
	name := strings.TrimSpace(msg.Name)
	if name == "" && user != nil {
		name = user.Username
	}
	if name == "" || utf8.RuneCountInString(name) > roomMaxName || strings.ContainsAny(name, "\x00\n\r") {
		return errInvalid("a name of 1 to 40 characters is required to join a room")
	}
	m.name, m.clientID = name, msg.ClientID
	if msg.Key != "" {
		if len(msg.Key) < 16 || len(msg.Key) > 128 || strings.ContainsFunc(msg.Key, func(r rune) bool { return r <= ' ' || r > '~' }) {
			return errInvalid("key must be 16 to 128 printable ASCII characters")
		}
		m.id = memberID(roomID, msg.Key)
	}
	return nil
}

// memberID derives a member's id from the secret key its browser keeps for
// the room: a reconnection or a reload is the same member (an owner who let
// one member edit keeps letting them), and the id the others see does not
// give the key away.
func memberID(roomID, key string) string {
	sum := sha256.Sum256([]byte(roomID + "\x00" + key))
	return "m" + hex.EncodeToString(sum[:12])
}

// refuse tells a client why it cannot join, and closes the connection.
func (m *roomMember) refuse(code, detail string) {
	b, _ := json.Marshal(roomMessage{Type: "error", Code: code, Detail: detail})
	ctx, cancel := context.WithTimeout(m.ctx, wsWriteTimeout)
	defer cancel()
	m.c.Write(ctx, websocket.MessageText, b)
	m.c.Close(websocket.StatusPolicyViolation, truncate(detail, 120))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// join adds a member: it checks the room's size (members on every
// process), brings the members here up to date, and sends the newcomer the
// document as the log has it.
func (lr *liveRoom) join(m *roomMember) *httpError {
	s := lr.hub.s
	ctx := m.ctx
	now := store.Now()
	members, err := s.rooms.RoomMembers(ctx, lr.id, now.Add(-roomSeen))
	if err != nil {
		return &httpError{Status: 500, Code: "internal", Msg: "internal error", Err: err}
	}
	others := 0
	for _, mem := range members {
		if mem.Member != m.id {
			others++
		}
	}
	if others >= s.cfg.RoomSize {
		return &httpError{Status: http.StatusForbidden, Code: "room_full", Msg: "this room is full (" + strconv.Itoa(s.cfg.RoomSize) + " people)"}
	}
	if err := s.rooms.TouchRoomMembers(ctx, lr.id, []store.RoomMember{{Member: m.id, Name: m.name, UserID: m.who.userID(), ClientID: int64(m.clientID), Conn: m.conn}}, now); err != nil {
		return &httpError{Status: 500, Code: "internal", Msg: "internal error", Err: err}
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if lr.closed {
		return errRoomClosed
	}
	if old := lr.members[m.id]; old != nil { // the member reconnected before its old connection was noticed gone
		old.replaced = true
		go func() {
			old.c.Close(websocket.StatusNormalClosure, "replaced by a newer connection")
			old.cancel()
		}()
	}
	room, err := s.rooms.Room(ctx, lr.id)
	if err != nil {
		return &httpError{Status: 500, Code: "internal", Msg: "internal error", Err: err}
	}
	if lr.lastSeq < 0 {
		lr.room, lr.lastSeq = room, room.LastSeq
	} else {
		lr.catchUpLocked()
	}
	w := welcomeMessage{Type: "welcome", Member: m.id, Owner: m.who.user != nil && m.who.user.ID == room.OwnerID,
		Mode: lr.room.Mode, Editor: lr.room.Editor, LastSeq: lr.lastSeq, MaxMembers: s.cfg.RoomSize,
		MaxUpdate: roomMaxUpdate, Updates: []string{}, Runs: []json.RawMessage{}, Awareness: []string{},
		ExpiresAfter: s.cfg.RoomIdle.Seconds()}
	after := room.SnapshotSeq
	if room.Snapshot != nil {
		w.Snapshot = base64.StdEncoding.EncodeToString(room.Snapshot)
	}
	for after < lr.lastSeq {
		events, err := s.rooms.RoomEvents(ctx, lr.id, after, 1000)
		if err != nil {
			return &httpError{Status: 500, Code: "internal", Msg: "internal error", Err: err}
		}
		if len(events) == 0 {
			break
		}
		for _, e := range events {
			if e.Seq > lr.lastSeq {
				break
			}
			switch e.Kind {
			case "update":
				w.Updates = append(w.Updates, base64.StdEncoding.EncodeToString(e.Data))
			case "run":
				w.Runs = append(w.Runs, e.Data)
			}
			after = e.Seq
		}
	}
	if len(w.Runs) > 20 {
		w.Runs = w.Runs[len(w.Runs)-20:]
	}
	lr.updates = int64(len(w.Updates))
	for _, other := range lr.members {
		other.mu.Lock()
		if other.lastAwareness != "" {
			w.Awareness = append(w.Awareness, other.lastAwareness)
		}
		other.mu.Unlock()
	}
	b, _ := json.Marshal(w)
	m.send <- b // the queue is empty
	lr.members[m.id] = m
	return nil
}

func (lr *liveRoom) size() int {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return len(lr.members)
}

// canEdit reports whether a member may change the document.
func (lr *liveRoom) canEdit(m *roomMember) bool {
	switch lr.room.Mode {
	case "readonly":
		return lr.isOwner(m)
	case "single":
		return lr.isOwner(m) || m.id == lr.room.Editor
	}
	return true
}

func (lr *liveRoom) isOwner(m *roomMember) bool {
	return m.who.user != nil && m.who.user.ID == lr.room.OwnerID
}

// deliver sends a message to the members here, but not to the member it
// came from.
func (lr *liveRoom) deliver(typ string, b []byte, from string) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	for id, m := range lr.members {
		if id != from || typ == "ended" {
			m.queue(b)
		}
	}
	if typ == "ended" {
		for _, m := range lr.members {
			go func() {
				time.Sleep(100 * time.Millisecond) // let the writer send the message
				m.c.Close(websocket.StatusNormalClosure, "the room has ended")
				m.cancel()
			}()
		}
	}
}

// append adds an event to the log and delivers it (and any events other
// processes added before it) to the members here, in order.
func (lr *liveRoom) append(m *roomMember, kind string, data []byte) (int64, error) {
	s := lr.hub.s
	lr.mu.Lock()
	defer lr.mu.Unlock()
	seq, err := s.rooms.AppendRoomEvent(m.ctx, lr.id, store.RoomEvent{Kind: kind, Member: m.id, Data: data, CreatedAt: store.Now()}, roomMaxLog)
	if err != nil {
		return 0, err
	}
	if seq == lr.lastSeq+1 {
		lr.deliverEventLocked(store.RoomEvent{Seq: seq, Kind: kind, Member: m.id, Data: data})
	} else {
		lr.catchUpLocked()
	}
	if s.bus != nil {
		if err := s.bus.Notify(context.Background(), store.ChannelRoom, lr.id+" "+strconv.FormatInt(seq, 10)); err != nil {
			s.log.Warn("rooms: notify", "error", err, "room", lr.id)
		}
	}
	return seq, nil
}

// catchUp delivers the log's events this process has not delivered yet
// (another process added them).
func (lr *liveRoom) catchUp() {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	lr.catchUpLocked()
}

func (lr *liveRoom) catchUpLocked() {
	if lr.lastSeq < 0 {
		return
	}
	for {
		events, err := lr.hub.s.rooms.RoomEvents(context.Background(), lr.id, lr.lastSeq, 500)
		if err != nil {
			lr.hub.s.log.Warn("rooms: catch up", "error", err, "room", lr.id)
			return
		}
		for _, e := range events {
			lr.deliverEventLocked(e)
		}
		if len(events) < 500 {
			return
		}
	}
}

// deliverEventLocked sends one event of the log to the members here.
func (lr *liveRoom) deliverEventLocked(e store.RoomEvent) {
	lr.lastSeq = e.Seq
	var msg roomMessage
	switch e.Kind {
	case "update":
		lr.updates++
		msg = roomMessage{Type: "update", Seq: e.Seq, From: e.Member, Data: base64.StdEncoding.EncodeToString(e.Data)}
	case "run":
		msg = roomMessage{Type: "run", Seq: e.Seq, From: e.Member, Run: e.Data}
	case "mode":
		var c struct{ Mode, Editor string }
		json.Unmarshal(e.Data, &c)
		lr.room.Mode, lr.room.Editor = c.Mode, c.Editor
		msg = roomMessage{Type: "mode", Seq: e.Seq, Mode: c.Mode, Editor: c.Editor}
	default:
		return
	}
	b, _ := json.Marshal(msg)
	ack, _ := json.Marshal(roomMessage{Type: "ack", Seq: e.Seq})
	for id, m := range lr.members {
		if id == e.Member && e.Kind == "update" {
			m.queue(ack)
		} else {
			m.queue(b)
		}
	}
	if e.Kind == "mode" {
		go lr.broadcastMembers()
	}
}

// broadcastMembers sends the list of members (on every process) to the
// members here.
func (lr *liveRoom) broadcastMembers() {
	s := lr.hub.s
	members, err := s.rooms.RoomMembers(context.Background(), lr.id, time.Now().Add(-roomSeen))
	if err != nil {
		return
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	views := make([]memberView, 0, len(members))
	for _, mem := range members {
		owner := mem.UserID != "" && mem.UserID == lr.room.OwnerID
		can := lr.room.Mode == "open" || owner || lr.room.Mode == "single" && mem.Member == lr.room.Editor
		views = append(views, memberView{ID: mem.Member, Name: mem.Name, ClientID: mem.ClientID, Owner: owner, CanEdit: can})
	}
	b, _ := json.Marshal(roomMessage{Type: "members", Members: views})
	for _, m := range lr.members {
		m.queue(b)
	}
}

// heartbeat marks the members here as present.
func (lr *liveRoom) heartbeat(ctx context.Context, now time.Time) {
	lr.mu.Lock()
	members := make([]store.RoomMember, 0, len(lr.members))
	for _, m := range lr.members {
		members = append(members, store.RoomMember{Member: m.id, Name: m.name, UserID: m.who.userID(), ClientID: int64(m.clientID), Conn: m.conn})
	}
	lr.mu.Unlock()
	if len(members) > 0 {
		if err := lr.hub.s.rooms.TouchRoomMembers(ctx, lr.id, members, now.UTC()); err != nil {
			lr.hub.s.log.Warn("rooms: heartbeat", "error", err)
		}
	}
}

// queue sends a message to the member; one too slow to read is
// disconnected rather than buffered without bound.
func (m *roomMember) queue(b []byte) {
	select {
	case m.send <- b:
	default:
		m.c.Close(websocket.StatusPolicyViolation, "client too slow to read its messages")
		m.cancel()
	}
}

func (m *roomMember) sendJSON(v any) {
	b, _ := json.Marshal(v)
	m.queue(b)
}

func (m *roomMember) sendError(code, detail string) {
	m.sendJSON(roomMessage{Type: "error", Code: code, Detail: detail})
}

func (m *roomMember) writeLoop() {
	ping := time.NewTicker(wsPingInterval)
	defer ping.Stop()
	for {
		select {
		case <-m.ctx.Done():
			return
		case b := <-m.send:
			ctx, cancel := context.WithTimeout(m.ctx, wsWriteTimeout)
			err := m.c.Write(ctx, websocket.MessageText, b)
			cancel()
			if err != nil {
				m.cancel()
				return
			}
		case <-ping.C:
			ctx, cancel := context.WithTimeout(m.ctx, wsWriteTimeout)
			err := m.c.Ping(ctx)
			cancel()
			if err != nil {
				m.cancel()
				return
			}
		}
	}
}

// readLoop handles a member's messages. A message that is not one (not
// JSON, an unknown type, bad base64) disconnects the member: the room and
// everyone else carry on.
func (m *roomMember) readLoop(s *Server) {
	for {
		_, data, err := m.c.Read(m.ctx)
		if err != nil {
			m.cancel()
			return
		}
		msg, payload, why := parseRoomMessage(data)
		if why != "" {
			m.garbage(why)
			return
		}
		m.handle(s, msg, payload)
	}
}

// roomMessageTypes are the messages a member may send after its hello.
var roomMessageTypes = map[string]bool{"update": true, "snapshot": true, "awareness": true, "run": true,
	"stdin": true, "cancel": true, "mode": true, "ping": true}

// parseRoomMessage decodes a member's message and, for an update, snapshot
// or awareness message, its base64 payload. why says what is wrong with
// one that is not a room message.
func parseRoomMessage(data []byte) (msg roomIncoming, payload []byte, why string) {
	if herr := unmarshalStrict(data, &msg); herr != nil {
		return msg, nil, "not a room message: " + herr.Msg
	}
	if !roomMessageTypes[msg.Type] {
		return msg, nil, "unknown message type " + quote(msg.Type)
	}
	switch msg.Type {
	case "update", "snapshot", "awareness":
		b, err := base64.StdEncoding.Strict().DecodeString(msg.Data)
		if err != nil || len(b) == 0 {
			return msg, nil, msg.Type + " data must be non-empty base64"
		}
		payload = b
	}
	return msg, payload, ""
}

// garbage disconnects a member that sent something that is not a room
// message.
func (m *roomMember) garbage(why string) {
	m.lr.hub.s.metrics.roomRefused.WithLabelValues("garbage").Inc()
	m.sendError("bad_message", why+"; disconnected")
	time.Sleep(50 * time.Millisecond)
	m.c.Close(websocket.StatusPolicyViolation, truncate(why, 120))
	m.cancel()
}

// handle acts on one message (parseRoomMessage's).
func (m *roomMember) handle(s *Server, msg roomIncoming, data []byte) {
	switch msg.Type {
	case "update", "snapshot", "awareness":
		if ok, _ := s.roomHub.limiter.allow(m.id, time.Now()); !ok {
			s.metrics.roomRefused.WithLabelValues("rate").Inc()
			m.sendError("rate_limited", "too many messages: at most "+strconv.Itoa(roomUpdateRate)+" a second; this one was dropped (rejoin to resynchronise)")
			return
		}
		switch msg.Type {
		case "update":
			m.update(s, data)
		case "snapshot":
			m.snapshot(s, msg.Seq, data)
		default:
			m.relayAwareness(s, msg.Data, len(data))
		}
	case "run":
		m.run(s, msg)
	case "stdin":
		m.stdin(msg)
	case "cancel":
		m.cancelJob()
	case "mode":
		m.control(s, msg)
	case "ping":
		m.sendJSON(roomMessage{Type: "pong"})
	}
}

func (m *roomMember) update(s *Server, data []byte) {
	lr := m.lr
	lr.mu.Lock()
	can := lr.canEdit(m)
	lr.mu.Unlock()
	switch {
	case len(data) > roomMaxUpdate:
		s.metrics.roomRefused.WithLabelValues("size").Inc()
		m.sendError("update_refused", "an update may be at most "+sizeText(roomMaxUpdate)+"; it was not applied (rejoin to resynchronise)")
		return
	case !can:
		s.metrics.roomRefused.WithLabelValues("readonly").Inc()
		m.sendError("update_refused", "the room's owner has not let you edit; your change was not applied")
		return
	}
	seq, err := lr.append(m, "update", data)
	switch {
	case errors.Is(err, store.ErrTooLarge):
		s.metrics.roomRefused.WithLabelValues("document").Inc()
		m.sendError("update_refused", "the room's document and history have reached "+sizeText(roomMaxLog)+"; no more changes are kept")
	case errors.Is(err, store.ErrRoomEnded):
		m.sendError("room_ended", "this room has ended")
	case err != nil:
		s.log.Error("rooms: append", "error", err, "room", lr.id)
		m.sendError("update_refused", "the change could not be kept (the database did not answer); rejoin to resynchronise")
	default:
		s.metrics.roomUpdates.Inc()
		lr.mu.Lock()
		compact := lr.updates >= roomCompactEvery
		if compact {
			lr.updates = 0
		}
		lr.mu.Unlock()
		if compact {
			m.sendJSON(roomMessage{Type: "compact", Seq: seq})
		}
	}
}

// snapshot keeps a member's compaction of the document (as of seq, which
// the member has acknowledged having all of).
func (m *roomMember) snapshot(s *Server, seq int64, data []byte) {
	if len(data) > roomMaxLog || seq <= 0 {
		m.sendError("bad_snapshot", "a snapshot must name the last update it holds and be at most "+sizeText(roomMaxLog))
		return
	}
	if err := s.rooms.SetRoomSnapshot(m.ctx, m.lr.id, seq, data); err != nil {
		s.log.Warn("rooms: snapshot", "error", err)
	}
}

func (m *roomMember) relayAwareness(s *Server, b64 string, size int) {
	if size > roomMaxAwareness {
		m.sendError("too_large", "an awareness message may be at most "+sizeText(roomMaxAwareness))
		return
	}
	m.mu.Lock()
	m.lastAwareness = b64
	m.mu.Unlock()
	s.roomHub.announce(m.lr.id, roomMessage{Type: "awareness", From: m.id, Data: b64, Replica: s.replica})
}

// control applies the owner's controls: who may edit.
func (m *roomMember) control(s *Server, msg roomIncoming) {
	lr := m.lr
	lr.mu.Lock()
	owner := lr.isOwner(m)
	lr.mu.Unlock()
	if !owner {
		m.sendError("forbidden", "only the room's owner may change who edits")
		return
	}
	switch msg.Mode {
	case "open", "readonly":
		msg.Editor = ""
	case "single":
		if msg.Editor == "" {
			m.sendError("invalid", `mode "single" needs an editor (a member's id)`)
			return
		}
	default:
		m.sendError("invalid", `mode must be "open", "readonly" or "single"`)
		return
	}
	if err := s.rooms.SetRoomMode(m.ctx, lr.id, msg.Mode, msg.Editor); err != nil {
		m.sendError("internal", "internal error")
		return
	}
	b, _ := json.Marshal(map[string]string{"mode": msg.Mode, "editor": msg.Editor})
	if _, err := lr.append(m, "mode", b); err != nil {
		m.sendError("internal", "internal error")
	}
}

// run runs a program for the member, streaming its output to the whole
// room; the member's own allowances pay for it.
func (m *roomMember) run(s *Server, msg roomIncoming) {
	id := jobIDOf(wsIncoming{executeRequest: msg.executeRequest})
	if id == "" {
		id = newUUID()
	} else if !isUUID(id) {
		m.sendJSON(roomMessage{Type: "error", JobID: id, Code: "invalid", Detail: "job_id must be a UUID"})
		return
	}
	p, herr := s.validate(msg.executeRequest)
	if herr == nil {
		var who caller
		if who, herr = s.checkCaller(m.who); herr == nil {
			herr = s.admit(who)
		}
	}
	m.mu.Lock()
	busy := m.job != nil
	m.mu.Unlock()
	if herr == nil && busy {
		herr = errTooMany("you already have a program running in this room", time.Second)
	}
	if herr == nil {
		herr = s.begin()
	}
	if herr != nil {
		m.sendJSON(roomMessage{Type: "error", JobID: id, Code: herr.Code, Detail: herr.Msg})
		return
	}
	in := newInputPipe(s.cfg.MaxStdinBytes - len(p.Stdin))
	ctx, cancel := context.WithCancel(m.ctx)
	m.mu.Lock()
	m.job, m.jobID = &wsJob{cancel: cancel, stdin: in}, id
	m.mu.Unlock()
	s.roomHub.announce(m.lr.id, roomMessage{Type: "run_started", JobID: id, From: m.id, Name: m.name, Replica: s.replica})
	m.sendJSON(roomMessage{Type: "run_started", JobID: id, From: m.id, Name: m.name})
	go m.execute(ctx, cancel, s, id, p, in)
}

func (m *roomMember) execute(ctx context.Context, cancel context.CancelFunc, s *Server, id string, p runParams, in *inputPipe) {
	defer func() {
		cancel()
		in.Close()
		m.mu.Lock()
		m.job, m.jobID = nil, ""
		m.mu.Unlock()
		s.active.Done()
	}()
	lr := m.lr
	res, err := s.runJob(ctx, m.who, id, p, runHooks{
		stdin: in,
		output: func(stream sandbox.Stream, data []byte) {
			for len(data) > 0 { // bus messages stay under PostgreSQL's 8000 bytes
				n := min(len(data), 3000)
				for n < len(data) && !utf8.RuneStart(data[n]) {
					n--
				}
				msg := roomMessage{Type: "run_output", JobID: id, From: m.id, Stream: string(stream), Data: string(data[:n]), Replica: s.replica}
				s.roomHub.announce(lr.id, msg)
				m.sendJSON(msg)
				data = data[n:]
			}
		},
		waiting: func() { m.sendJSON(roomMessage{Type: "run_waiting_input", JobID: id}) },
	})
	rec := roomRun{JobID: id, Member: m.id, Name: m.name, Code: p.Code, At: store.Now()}
	if err != nil {
		var herr *httpError
		if errors.As(err, &herr) {
			rec.Error = herr.Msg
		} else {
			rec.Error = "internal error"
		}
	} else {
		rec.Stdout, rec.Stderr = truncate(res.Stdout, roomRunOutputKept), truncate(res.Stderr, roomRunOutputKept)
		rec.Success, rec.TimedOut = res.Success, res.TimedOut
		if res.Error != nil {
			rec.Error = *res.Error
		}
	}
	b, _ := json.Marshal(rec)
	if _, err := lr.append(m, "run", b); err != nil {
		s.log.Warn("rooms: run record", "error", err, "room", lr.id)
		m.sendJSON(roomMessage{Type: "run", Run: b})
	}
}

func (m *roomMember) stdin(msg roomIncoming) {
	m.mu.Lock()
	j, id := m.job, m.jobID
	m.mu.Unlock()
	if j == nil || jobIDOf(wsIncoming{executeRequest: msg.executeRequest}) != id {
		m.sendError("not_found", "you have no program running with that job_id")
		return
	}
	if msg.Data != "" {
		if _, err := j.stdin.Write([]byte(msg.Data)); err != nil {
			m.sendError("too_large", err.Error())
			return
		}
	}
	if msg.EOF {
		j.stdin.Close()
	}
}

func (m *roomMember) cancelJob() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.job != nil {
		m.job.cancel()
	}
}
