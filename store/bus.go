package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The channels on which processes sharing a PostgreSQL database wake each
// other. A notification is a hint: what it announces is in the tables, so a
// process that missed one (its listening connection was down) catches up
// by reading them.
const (
	// ChannelIndex: the search index changed (payload empty).
	ChannelIndex = "coderemote_index"
	// ChannelHandoff: a request waits in handoffs for the process holding
	// a WebSocket connection (payload "<handoff id> <connection id>").
	ChannelHandoff = "coderemote_handoff"
	// ChannelHandoffAck: a handoff was taken (payload: the taker's answer).
	ChannelHandoffAck = "coderemote_handoff_ack"
)

// Shared reports whether several processes can share this database
// (PostgreSQL), and so whether Notify, Listen and handoffs mean anything.
func (d *DB) Shared() bool { return d.dialect.name == postgres.name }

// Notify sends a notification to every process listening on channel,
// this one included. On SQLite, which one process serves, it does nothing.
func (d *DB) Notify(ctx context.Context, channel, payload string) error {
	if !d.Shared() {
		return nil
	}
	if _, err := d.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, payload); err != nil {
		return fmt.Errorf("store: notify %s: %w", channel, err)
	}
	return nil
}

// Listen calls fn for every notification on channels until ctx is done,
// over a connection of its own that it re-opens (after a second, then up
// to 30 s apart) when it breaks. After every (re)connection it calls fn
// once per channel with the payload "" — notifications may have been
// missed, so the caller should look at the tables. On SQLite it returns at
// once.
func (d *DB) Listen(ctx context.Context, channels []string, fn func(channel, payload string), onError func(error)) {
	if !d.Shared() {
		return
	}
	wait := time.Second
	for ctx.Err() == nil {
		err := d.listenOnce(ctx, channels, fn, func() { wait = time.Second })
		if ctx.Err() != nil {
			return
		}
		if onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

func (d *DB) listenOnce(ctx context.Context, channels []string, fn func(channel, payload string), connected func()) error {
	connectCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.Connect(connectCtx, d.url)
	cancel()
	if err != nil {
		return fmt.Errorf("store: listen: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, ch := range channels {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return fmt.Errorf("store: listen %s: %w", ch, err)
		}
	}
	connected()
	for _, ch := range channels {
		fn(ch, "")
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("store: listen: %w", err)
		}
		fn(n.Channel, n.Payload)
	}
}

// Handoff keeps body under id until expires, for another process to take,
// and notifies channel with payload when it is committed.
func (d *DB) Handoff(ctx context.Context, id string, body []byte, expires time.Time, channel, payload string) error {
	if !d.Shared() {
		return fmt.Errorf("store: handoff %s: the database is not shared", id)
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := d.exec(ctx, tx, `DELETE FROM handoffs WHERE expires_at < $1`, Time{Now()}); err != nil {
			return fmt.Errorf("store: expire handoffs: %w", err)
		}
		if _, err := d.exec(ctx, tx, `INSERT INTO handoffs (id, body, expires_at) VALUES ($1, $2, $3)`, id, body, Time{expires}); err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("store: handoff %s: %w", id, ErrConflict)
			}
			return fmt.Errorf("store: handoff %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, payload); err != nil {
			return fmt.Errorf("store: handoff %s: notify: %w", id, err)
		}
		return nil
	})
}

// TakeHandoff removes and returns a handoff's body; ErrNotFound when it
// has been taken, withdrawn or has expired. Of processes taking the same
// handoff at once, exactly one gets it.
func (d *DB) TakeHandoff(ctx context.Context, id string) ([]byte, error) {
	var body []byte
	err := d.queryRow(ctx, d.db, `DELETE FROM handoffs WHERE id = $1 AND expires_at >= $2 RETURNING body`, id, Time{Now()}).Scan(&body)
	return body, notFound(err, "handoff "+id)
}
