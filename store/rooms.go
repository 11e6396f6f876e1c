package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ChannelRoom: something happened in a room (payload "<room id> <seq>"
// for an event in room_events, or "<room id> ~<ephemeral message>" for
// what is relayed and not kept: cursors, a run's output as it streams).
const ChannelRoom = "coderemote_room"

// Room is a live document several people edit at once. Its content is the
// Yjs updates in its event log, which the store keeps without reading.
type Room struct {
	ID      string
	OwnerID string
	// Mode is who may edit: "open" (everyone), "readonly" (the owner only)
	// or "single" (the owner and Editor, a member id).
	Mode   string
	Editor string
	// LastSeq is the newest event's number; LogBytes what the log holds.
	LastSeq  int64
	LogBytes int64
	// Snapshot is the document as of SnapshotSeq (a client's compaction of
	// the updates up to it); nil before the first.
	Snapshot    []byte
	SnapshotSeq int64
	CreatedAt   time.Time
	ActiveAt    time.Time
	EndedAt     time.Time // zero while the room is open
}

// RoomEvent is one entry of a room's log.
type RoomEvent struct {
	Seq int64
	// Kind: "update" (a Yjs update), "run" (a run's record, JSON), "mode"
	// (the owner's controls, JSON), "ended".
	Kind      string
	Member    string
	Data      []byte
	CreatedAt time.Time
}

// RoomMember is someone in a room, on any process.
type RoomMember struct {
	Member string
	Name   string
	UserID string // "" for an anonymous visitor
	// ClientID is the member's Yjs client id (its cursor's colour).
	ClientID int64
	// Conn is the member's current connection: a member that reconnects
	// (elsewhere) takes the row over, and its old connection's leaving
	// does not remove it.
	Conn   string
	SeenAt time.Time
}

// ErrRoomEnded is returned for a room that its owner ended.
var ErrRoomEnded = errors.New("store: room ended")

// CreateRoom stores a new room; ErrConflict if its id is taken.
func (d *DB) CreateRoom(ctx context.Context, r Room) error {
	_, err := d.exec(ctx, d.db, `INSERT INTO rooms (id, owner_id, mode, editor, created_at, active_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		r.ID, r.OwnerID, r.Mode, r.Editor, Time{r.CreatedAt}, Time{r.CreatedAt})
	if isUniqueViolation(err) {
		return fmt.Errorf("store: room %s: %w", r.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create room: %w", err)
	}
	return nil
}

// Room returns a room; ErrNotFound when there is none.
func (d *DB) Room(ctx context.Context, id string) (Room, error) {
	return d.room(ctx, d.db, id)
}

func (d *DB) room(ctx context.Context, q querier, id string) (Room, error) {
	r := Room{ID: id}
	var created, active Time
	var ended NullTime
	err := d.queryRow(ctx, q, `SELECT owner_id, mode, editor, last_seq, log_bytes, snapshot, snapshot_seq, created_at, active_at, ended_at FROM rooms WHERE id = $1`, id).
		Scan(&r.OwnerID, &r.Mode, &r.Editor, &r.LastSeq, &r.LogBytes, &r.Snapshot, &r.SnapshotSeq, &created, &active, &ended)
	r.CreatedAt, r.ActiveAt = created.Time, active.Time
	if ended.Valid {
		r.EndedAt = ended.Time
	}
	return r, notFound(err, "room "+id)
}

// AppendRoomEvent adds an event to an open room's log and returns its
// number; ErrRoomEnded for an ended room. It refuses (ErrTooLarge) an
// update that would take the log past maxLog bytes.
func (d *DB) AppendRoomEvent(ctx context.Context, roomID string, e RoomEvent, maxLog int64) (int64, error) {
	var seq int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var ended NullTime
		var logBytes int64
		err := d.queryRow(ctx, tx, `UPDATE rooms SET last_seq = last_seq + 1, log_bytes = log_bytes + $1, active_at = $2 WHERE id = $3
			RETURNING last_seq, log_bytes, ended_at`, len(e.Data), Time{e.CreatedAt}, roomID).Scan(&seq, &logBytes, &ended)
		if err != nil {
			return notFound(err, "room "+roomID)
		}
		if ended.Valid {
			return ErrRoomEnded
		}
		if maxLog > 0 && logBytes > maxLog && e.Kind == "update" {
			return ErrTooLarge
		}
		_, err = d.exec(ctx, tx, `INSERT INTO room_events (room_id, seq, kind, member, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			roomID, seq, e.Kind, e.Member, e.Data, Time{e.CreatedAt})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: room %s: append: %w", roomID, err)
	}
	return seq, nil
}

// ErrTooLarge is returned for what would take a room past its size limit.
var ErrTooLarge = errors.New("store: too large")

// RoomEvents returns up to limit events of a room after seq, oldest first.
func (d *DB) RoomEvents(ctx context.Context, roomID string, after int64, limit int) ([]RoomEvent, error) {
	rows, err := d.query(ctx, d.db, `SELECT seq, kind, member, data, created_at FROM room_events WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		roomID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: room %s: events: %w", roomID, err)
	}
	defer rows.Close()
	var out []RoomEvent
	for rows.Next() {
		var e RoomEvent
		var at Time
		if err := rows.Scan(&e.Seq, &e.Kind, &e.Member, &e.Data, &at); err != nil {
			return nil, fmt.Errorf("store: room %s: events: %w", roomID, err)
		}
		e.CreatedAt = at.Time
		out = append(out, e)
	}
	return out, rows.Err()
}

// SetRoomSnapshot keeps a compaction of the room's document as of seq, if
// it is newer than the one kept. Joining then costs the snapshot and the
// updates after it; the log stays whole for playback.
func (d *DB) SetRoomSnapshot(ctx context.Context, roomID string, seq int64, data []byte) error {
	_, err := d.exec(ctx, d.db, `UPDATE rooms SET snapshot = $1, snapshot_seq = $2 WHERE id = $3 AND snapshot_seq < $4 AND last_seq >= $5`,
		data, seq, roomID, seq, seq)
	if err != nil {
		return fmt.Errorf("store: room %s: snapshot: %w", roomID, err)
	}
	return nil
}

// SetRoomMode records the owner's controls.
func (d *DB) SetRoomMode(ctx context.Context, roomID, mode, editor string) error {
	_, err := d.exec(ctx, d.db, `UPDATE rooms SET mode = $1, editor = $2 WHERE id = $3`, mode, editor, roomID)
	if err != nil {
		return fmt.Errorf("store: room %s: mode: %w", roomID, err)
	}
	return nil
}

// EndRoom marks a room ended: it keeps its log (for its owner's playback)
// until it expires, and accepts nothing more.
func (d *DB) EndRoom(ctx context.Context, roomID string, at time.Time) error {
	_, err := d.exec(ctx, d.db, `UPDATE rooms SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL`, Time{at}, roomID)
	if err != nil {
		return fmt.Errorf("store: room %s: end: %w", roomID, err)
	}
	return nil
}

// ExpireRooms deletes rooms (their logs and members with them) nobody has
// changed since before.
func (d *DB) ExpireRooms(ctx context.Context, before time.Time) (int64, error) {
	res, err := d.exec(ctx, d.db, `DELETE FROM rooms WHERE active_at < $1`, Time{before})
	if err != nil {
		return 0, fmt.Errorf("store: expire rooms: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// TouchRoomMembers records that members are in a room now (a join, or a
// process's heartbeat for the members it holds).
func (d *DB) TouchRoomMembers(ctx context.Context, roomID string, members []RoomMember, at time.Time) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := d.exec(ctx, tx, `UPDATE rooms SET active_at = $1 WHERE id = $2`, Time{at}, roomID); err != nil {
			return fmt.Errorf("store: room %s: members: %w", roomID, err)
		}
		for _, m := range members {
			_, err := d.exec(ctx, tx, `INSERT INTO room_members (room_id, member, name, user_id, client_id, conn, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (room_id, member) DO UPDATE SET name = excluded.name, client_id = excluded.client_id, conn = excluded.conn, seen_at = excluded.seen_at`,
				roomID, m.Member, m.Name, m.UserID, m.ClientID, m.Conn, Time{at})
			if err != nil {
				return fmt.Errorf("store: room %s: members: %w", roomID, err)
			}
		}
		return nil
	})
}

// LeaveRoom removes a member, unless it has reconnected since (its row
// names another connection than conn).
func (d *DB) LeaveRoom(ctx context.Context, roomID, member, conn string) error {
	if _, err := d.exec(ctx, d.db, `DELETE FROM room_members WHERE room_id = $1 AND member = $2 AND conn = $3`, roomID, member, conn); err != nil {
		return fmt.Errorf("store: room %s: leave: %w", roomID, err)
	}
	return nil
}

// RoomMembers lists a room's members seen since, oldest first.
func (d *DB) RoomMembers(ctx context.Context, roomID string, since time.Time) ([]RoomMember, error) {
	rows, err := d.query(ctx, d.db, `SELECT member, name, user_id, client_id, seen_at FROM room_members WHERE room_id = $1 AND seen_at >= $2 ORDER BY member`,
		roomID, Time{since})
	if err != nil {
		return nil, fmt.Errorf("store: room %s: members: %w", roomID, err)
	}
	defer rows.Close()
	var out []RoomMember
	for rows.Next() {
		var m RoomMember
		var at Time
		if err := rows.Scan(&m.Member, &m.Name, &m.UserID, &m.ClientID, &at); err != nil {
			return nil, fmt.Errorf("store: room %s: members: %w", roomID, err)
		}
		m.SeenAt = at.Time
		out = append(out, m)
	}
	return out, rows.Err()
}
