package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coderemote/coderemote/store"
)

// Rooms: several people in one editor. A room's document is a Yjs CRDT
// that lives in the browsers; the server relays its updates and awareness
// (cursors, names) between the members over a WebSocket, keeps every update
// in the room's log (so that a newcomer, a reload or a replica catches up,
// and the owner can replay how the code was written), runs the programs
// members start and streams their output to the whole room. It never reads
// an update: the browsers merge them.
type Rooms interface {
	CreateRoom(ctx context.Context, r store.Room) error
	Room(ctx context.Context, id string) (store.Room, error)
	AppendRoomEvent(ctx context.Context, roomID string, e store.RoomEvent, maxLog int64) (int64, error)
	RoomEvents(ctx context.Context, roomID string, after int64, limit int) ([]store.RoomEvent, error)
	SetRoomSnapshot(ctx context.Context, roomID string, seq int64, data []byte) error
	SetRoomMode(ctx context.Context, roomID, mode, editor string) error
	EndRoom(ctx context.Context, roomID string, at time.Time) error
	ExpireRooms(ctx context.Context, before time.Time) (int64, error)
	TouchRoomMembers(ctx context.Context, roomID string, members []store.RoomMember, at time.Time) error
	LeaveRoom(ctx context.Context, roomID, member, conn string) error
	RoomMembers(ctx context.Context, roomID string, since time.Time) ([]store.RoomMember, error)
}

// Room limits; RoomConfig in Config overrides the first two.
const (
	DefaultRoomSize = 50
	DefaultRoomIdle = 24 * time.Hour
	// roomMaxUpdate bounds one Yjs update or snapshot (a paste of a whole
	// program is a few KiB).
	roomMaxUpdate = 256 << 10
	// roomMaxAwareness bounds one awareness message (a cursor and a name).
	roomMaxAwareness = 4 << 10
	// roomMaxLog bounds what a room's log holds: its document and history.
	roomMaxLog = 16 << 20
	// roomUpdateRate and roomUpdateBurst bound one member's updates and
	// awareness messages per second (fast typing is ≈ 10).
	roomUpdateRate  = 40
	roomUpdateBurst = 120
	// roomCompactEvery: after this many updates since the last snapshot, a
	// member is asked for one.
	roomCompactEvery = 200
	// roomSeen: a member not heard of (heartbeat) for this long has left.
	roomSeen      = 60 * time.Second
	roomHeartbeat = 20 * time.Second
	roomMaxName   = 40
)

// roomHub holds the rooms that have members on this process.
type roomHub struct {
	s     *Server
	mu    sync.Mutex
	rooms map[string]*liveRoom
	// limiter bounds each member's updates and awareness messages (keyed
	// by member: a member who reconnects keeps its bucket).
	limiter *rateLimiter
}

func newRoomHub(s *Server) *roomHub {
	return &roomHub{s: s, rooms: map[string]*liveRoom{}, limiter: newRateLimiter(roomUpdateRate, roomUpdateBurst, maxLimiterKeys)}
}

// roomView is a room as GET /rooms/{id} shows it.
type roomView struct {
	ID         string    `json:"id"`
	URL        string    `json:"url"`
	Owner      bool      `json:"owner"` // the caller owns it
	Mode       string    `json:"mode"`
	Editor     string    `json:"editor,omitempty"`
	Members    int       `json:"members"`
	MaxMembers int       `json:"max_members"`
	Ended      bool      `json:"ended"`
	CreatedAt  time.Time `json:"created_at"`
	ActiveAt   time.Time `json:"active_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

func (s *Server) viewRoom(ctx context.Context, r store.Room, u *store.User) roomView {
	members, _ := s.rooms.RoomMembers(ctx, r.ID, time.Now().Add(-roomSeen))
	return roomView{ID: r.ID, URL: "/r/" + r.ID, Owner: u != nil && u.ID == r.OwnerID, Mode: r.Mode, Editor: r.Editor,
		Members: len(members), MaxMembers: s.cfg.RoomSize, Ended: !r.EndedAt.IsZero(), CreatedAt: r.CreatedAt,
		ActiveAt: r.ActiveAt, ExpiresAt: r.ActiveAt.Add(s.cfg.RoomIdle)}
}

// createRoom: POST /rooms (signed in).
func (s *Server) createRoom(w http.ResponseWriter, r *http.Request) error {
	u, herr := s.requireUser(r)
	if herr != nil {
		return herr
	}
	now := store.Now()
	room := store.Room{ID: newShareID(), OwnerID: u.ID, Mode: "open", CreatedAt: now, ActiveAt: now}
	if err := s.rooms.CreateRoom(r.Context(), room); err != nil {
		return err
	}
	s.metrics.roomsCreated.Inc()
	writeJSON(w, http.StatusCreated, s.viewRoom(r.Context(), room, u))
	return nil
}

// loadRoom reads the room named in the path; 404 for none (or an expired
// one, which the janitor has not deleted yet).
func (s *Server) loadRoom(r *http.Request) (store.Room, *httpError) {
	id := r.PathValue("id")
	notFound := errNotFound("room " + id + " was not found (it may have expired)")
	if !isShareID(id) {
		return store.Room{}, notFound
	}
	room, err := s.rooms.Room(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && time.Since(room.ActiveAt) > s.cfg.RoomIdle {
		return room, notFound
	}
	if err != nil {
		return room, &httpError{Status: http.StatusInternalServerError, Code: "internal", Msg: "internal error", Err: err}
	}
	return room, nil
}

func (s *Server) getRoom(w http.ResponseWriter, r *http.Request) error {
	u, herr := s.optionalUser(r)
	if herr != nil {
		return herr
	}
	room, herr := s.loadRoom(r)
	if herr != nil {
		return herr
	}
	writeJSON(w, http.StatusOK, s.viewRoom(r.Context(), room, u))
	return nil
}

// ownRoom loads the room and checks that the caller owns it.
func (s *Server) ownRoom(r *http.Request) (store.Room, *store.User, *httpError) {
	u, herr := s.requireUser(r)
	if herr != nil {
		return store.Room{}, nil, herr
	}
	room, herr := s.loadRoom(r)
	if herr != nil {
		return room, u, herr
	}
	if room.OwnerID != u.ID {
		return room, u, &httpError{Status: http.StatusForbidden, Code: "forbidden", Msg: "only the room's owner may do this"}
	}
	return room, u, nil
}

// endRoom: DELETE /rooms/{id} (the owner). Everyone is told and
// disconnected; the log stays for playback until the room expires.
func (s *Server) endRoom(w http.ResponseWriter, r *http.Request) error {
	room, _, herr := s.ownRoom(r)
	if herr != nil {
		return herr
	}
	if err := s.roomHub.end(r.Context(), room.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// historyEvent is one entry of GET /rooms/{id}/history.
type historyEvent struct {
	Seq    int64           `json:"seq"`
	Kind   string          `json:"kind"`
	Member string          `json:"member"`
	At     time.Time       `json:"at"`
	Update string          `json:"update,omitempty"` // base64 Yjs update
	Run    json.RawMessage `json:"run,omitempty"`
	Mode   json.RawMessage `json:"mode,omitempty"`
}

// roomHistory: GET /rooms/{id}/history (the owner): the whole log, for
// playback.
func (s *Server) roomHistory(w http.ResponseWriter, r *http.Request) error {
	room, _, herr := s.ownRoom(r)
	if herr != nil {
		return herr
	}
	var out []historyEvent
	for after := int64(0); ; {
		events, err := s.rooms.RoomEvents(r.Context(), room.ID, after, 1000)
		if err != nil {
			return err
		}
		for _, e := range events {
			h := historyEvent{Seq: e.Seq, Kind: e.Kind, Member: e.Member, At: e.CreatedAt}
			switch e.Kind {
			case "update":
				h.Update = base64.StdEncoding.EncodeToString(e.Data)
			case "run":
				h.Run = e.Data
			default:
				h.Mode = e.Data
			}
			out = append(out, h)
			after = e.Seq
		}
		if len(events) < 1000 {
			break
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": room.ID, "events": out})
	return nil
}

// roomPage serves the UI at /r/{id}.
func (s *Server) roomPage(w http.ResponseWriter, r *http.Request) error {
	if !isShareID(r.PathValue("id")) {
		return errNotFound("room " + r.PathValue("id") + " was not found")
	}
	return s.indexPage(w, r)
}

// live returns the room's state on this process, creating it.
func (h *roomHub) live(id string) *liveRoom {
	h.mu.Lock()
	defer h.mu.Unlock()
	lr := h.rooms[id]
	if lr == nil {
		lr = &liveRoom{hub: h, id: id, members: map[string]*roomMember{}, lastSeq: -1}
		h.rooms[id] = lr
	}
	return lr
}

// leave removes a member; the room's state goes when its last local member
// has left.
func (h *roomHub) leave(lr *liveRoom, m *roomMember) {
	h.mu.Lock()
	defer h.mu.Unlock()
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if lr.members[m.id] == m { // not replaced by the member's new connection
		delete(lr.members, m.id)
	}
	if len(lr.members) == 0 && h.rooms[lr.id] == lr {
		// Gone: a member that got this state from live() a moment ago
		// finds it closed and asks again (join).
		lr.closed = true
		delete(h.rooms, lr.id)
	}
}

// end ends a room: the log records it, every member (on every process) is
// told and disconnected.
func (h *roomHub) end(ctx context.Context, id string) error {
	_, err := h.s.rooms.AppendRoomEvent(ctx, id, store.RoomEvent{Kind: "ended", Data: []byte("{}"), CreatedAt: store.Now()}, 0)
	if err != nil && !errors.Is(err, store.ErrRoomEnded) {
		return err
	}
	if err := h.s.rooms.EndRoom(ctx, id, store.Now()); err != nil {
		return err
	}
	h.announce(id, roomMessage{Type: "ended"})
	return nil
}

// announce sends an ephemeral message to the room's members here and, over
// the bus, on the other processes.
func (h *roomHub) announce(id string, msg roomMessage) {
	b, _ := json.Marshal(msg)
	h.mu.Lock()
	lr := h.rooms[id]
	h.mu.Unlock()
	switch {
	case lr == nil:
	case msg.Type == "members": // the list is in the store, for every process
		go lr.broadcastMembers()
	default:
		lr.deliver(msg.Type, b, msg.From)
	}
	if h.s.bus != nil && len(b) < 7000 {
		if err := h.s.bus.Notify(context.Background(), store.ChannelRoom, id+" ~"+string(b)); err != nil {
			h.s.log.Warn("rooms: notify", "error", err, "room", id)
		}
	}
}

// notified handles a notification on store.ChannelRoom from any process
// (this one included: it finds nothing new).
func (h *roomHub) notified(payload string) {
	id, rest, ok := strings.Cut(payload, " ")
	h.mu.Lock()
	lr := h.rooms[id]
	h.mu.Unlock()
	if !ok || lr == nil {
		return
	}
	if msg, ephemeral := strings.CutPrefix(rest, "~"); ephemeral {
		var m roomMessage
		if json.Unmarshal([]byte(msg), &m) != nil || m.Replica == h.s.replica {
			return
		}
		if m.Type == "members" {
			go lr.broadcastMembers()
		} else {
			lr.deliver(m.Type, []byte(msg), m.From)
		}
		return
	}
	if _, err := strconv.ParseInt(rest, 10, 64); err == nil {
		go lr.catchUp()
	}
}

// janitor expires idle rooms and keeps this process's members marked as
// present, until ctx is done.
func (h *roomHub) janitor(ctx context.Context) {
	tick := time.NewTicker(roomHeartbeat)
	defer tick.Stop()
	last := time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			h.mu.Lock()
			rooms := make([]*liveRoom, 0, len(h.rooms))
			for _, lr := range h.rooms {
				rooms = append(rooms, lr)
			}
			h.mu.Unlock()
			for _, lr := range rooms {
				lr.heartbeat(ctx, now)
			}
			if now.Sub(last) > 10*time.Minute {
				last = now
				if n, err := h.s.rooms.ExpireRooms(ctx, now.Add(-h.s.cfg.RoomIdle)); err != nil {
					h.s.log.Warn("rooms: expire", "error", err)
				} else if n > 0 {
					h.s.log.Info("rooms: expired", "rooms", n)
				}
			}
		}
	}
}

// RunRooms keeps rooms' presence and expiry until ctx is done (main starts
// it beside the indexer).
func (s *Server) RunRooms(ctx context.Context) {
	if s.rooms != nil {
		s.roomHub.janitor(ctx)
	}
}
