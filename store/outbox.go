package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// OutboxEvent is a snippet change the graph has yet to learn of. Events
// are written in the same transaction as the change itself.
type OutboxEvent struct {
	ID        int64
	SnippetID string
	UserID    string
	Op        string
	CreatedAt time.Time
	Attempts  int
}

func (d *DB) enqueue(ctx context.Context, tx *sql.Tx, snippetID, userID, op string) error {
	_, err := d.exec(ctx, tx, `INSERT INTO graph_outbox (snippet_id, user_id, op, created_at) VALUES ($1, $2, $3, $4)`,
		snippetID, userID, op, Time{Now()})
	return err
}

// PendingOutbox returns the oldest unprocessed events that are due (not
// waiting for a retry).
func (d *DB) PendingOutbox(ctx context.Context, limit int) ([]OutboxEvent, error) {
	rows, err := d.query(ctx, d.db, `SELECT id, snippet_id, user_id, op, created_at, attempts FROM graph_outbox
		WHERE processed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $1) ORDER BY id LIMIT $2`, Time{Now()}, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending outbox: %w", err)
	}
	out, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("store: pending outbox: %w", err)
	}
	return out, nil
}

// scanEvents reads outbox events (id, snippet_id, user_id, op, created_at,
// attempts) and closes rows.
func scanEvents(rows *sql.Rows) ([]OutboxEvent, error) {
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		var created Time
		if err := rows.Scan(&e.ID, &e.SnippetID, &e.UserID, &e.Op, &created, &e.Attempts); err != nil {
			return nil, err
		}
		e.CreatedAt = created.Time
		out = append(out, e)
	}
	return out, rows.Err()
}

// ClaimOutbox takes up to limit of the oldest due events that no process
// holds, and holds them for lease: several processes draining the outbox at
// once each get their own events (PostgreSQL skips rows another
// transaction is claiming; SQLite serialises its writers). An event whose
// holder died before marking it becomes due again when the lease ends.
func (d *DB) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]OutboxEvent, error) {
	now := Now()
	skipLocked := ""
	if d.dialect.name == postgres.name {
		skipLocked = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := d.query(ctx, d.db, `UPDATE graph_outbox SET claimed_until = $1 WHERE id IN (
		SELECT id FROM graph_outbox WHERE processed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
		AND (claimed_until IS NULL OR claimed_until <= $2) ORDER BY id LIMIT $3`+skipLocked+`)
		RETURNING id, snippet_id, user_id, op, created_at, attempts`, Time{now.Add(lease)}, Time{now}, limit)
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	out, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	slices.SortFunc(out, func(a, b OutboxEvent) int { return cmp.Compare(a.ID, b.ID) }) // RETURNING has no order
	return out, nil
}

// MarkOutboxDone records that an event reached the graph.
func (d *DB) MarkOutboxDone(ctx context.Context, id int64) error {
	if _, err := d.exec(ctx, d.db, `UPDATE graph_outbox SET processed_at = $1 WHERE id = $2`, Time{Now()}, id); err != nil {
		return fmt.Errorf("store: outbox %d done: %w", id, err)
	}
	return nil
}

// MarkOutboxFailed records a failed attempt and when to try again.
func (d *DB) MarkOutboxFailed(ctx context.Context, id int64, msg string, retryAt time.Time) error {
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	_, err := d.exec(ctx, d.db, `UPDATE graph_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, claimed_until = NULL WHERE id = $3`,
		msg, Time{retryAt}, id)
	if err != nil {
		return fmt.Errorf("store: outbox %d failed: %w", id, err)
	}
	return nil
}

// OutboxLag is the age of the oldest unprocessed event (0 when none).
func (d *DB) OutboxLag(ctx context.Context) (time.Duration, error) {
	var oldest NullTime
	if err := d.queryRow(ctx, d.db, `SELECT min(created_at) FROM graph_outbox WHERE processed_at IS NULL`).Scan(&oldest); err != nil {
		return 0, fmt.Errorf("store: outbox lag: %w", err)
	}
	if !oldest.Valid {
		return 0, nil
	}
	return time.Since(oldest.Time), nil
}

// indexSeqLock serialises changes to the search index on PostgreSQL, so
// that their sequence numbers are in commit order and a follower reading
// "changes after n" never skips one that commits late. (SQLite serialises
// every write anyway.)
const indexSeqLock = 0x636f6465 // "code"

// changeIndex writes a node change with the next sequence number.
func (d *DB) changeIndex(ctx context.Context, query string, args ...any) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if d.dialect.name == postgres.name {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, indexSeqLock); err != nil {
				return err
			}
			// Delivered at commit: wakes every replica's follower.
			if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, ChannelIndex); err != nil {
				return err
			}
		}
		_, err := d.exec(ctx, tx, query, args...)
		return err
	})
}

// SaveIndexNode keeps a node of the embedded search index.
func (d *DB) SaveIndexNode(ctx context.Context, userID, snippetID string, data []byte) error {
	err := d.changeIndex(ctx, `INSERT INTO search_index (snippet_id, user_id, data, seq, deleted)
		VALUES ($1, $2, $3, (SELECT coalesce(max(seq), 0) + 1 FROM search_index), false)
		ON CONFLICT (snippet_id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, seq = excluded.seq, deleted = false`,
		snippetID, userID, data)
	if err != nil {
		return fmt.Errorf("store: save index node %s: %w", snippetID, err)
	}
	return nil
}

// DeleteIndexNode removes a node of the embedded search index (it stays as
// a tombstone, so that other replicas' followers learn of the deletion).
func (d *DB) DeleteIndexNode(ctx context.Context, userID, snippetID string) error {
	err := d.changeIndex(ctx, `UPDATE search_index SET deleted = true, data = $1,
		seq = (SELECT coalesce(max(seq), 0) + 1 FROM search_index) WHERE snippet_id = $2 AND user_id = $3 AND NOT deleted`,
		[]byte{}, snippetID, userID)
	if err != nil {
		return fmt.Errorf("store: delete index node %s: %w", snippetID, err)
	}
	return nil
}

// LoadIndexNodes calls each for every node of the embedded search index.
func (d *DB) LoadIndexNodes(ctx context.Context, each func(userID, snippetID string, data []byte) error) error {
	rows, err := d.query(ctx, d.db, `SELECT CAST(user_id AS TEXT), CAST(snippet_id AS TEXT), data FROM search_index WHERE NOT deleted`)
	if err != nil {
		return fmt.Errorf("store: load index: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u, s string
		var data []byte
		if err := rows.Scan(&u, &s, &data); err != nil {
			return fmt.Errorf("store: load index: %w", err)
		}
		if err := each(u, s, data); err != nil {
			return err
		}
	}
	return rows.Err()
}

// IndexSeq is the sequence number of the search index's latest change.
func (d *DB) IndexSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := d.queryRow(ctx, d.db, `SELECT coalesce(max(seq), 0) FROM search_index`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: index sequence: %w", err)
	}
	return seq, nil
}

// IndexChangesSince calls each, in sequence order, for every node of the
// search index changed after seq: saved (its data) or deleted (nil data).
func (d *DB) IndexChangesSince(ctx context.Context, after int64, each func(seq int64, userID, snippetID string, data []byte) error) error {
	rows, err := d.query(ctx, d.db, `SELECT seq, CAST(user_id AS TEXT), CAST(snippet_id AS TEXT), data, deleted
		FROM search_index WHERE seq > $1 ORDER BY seq LIMIT 1000`, after)
	if err != nil {
		return fmt.Errorf("store: index changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var u, s string
		var data []byte
		var deleted bool
		if err := rows.Scan(&seq, &u, &s, &data, &deleted); err != nil {
			return fmt.Errorf("store: index changes: %w", err)
		}
		if deleted {
			data = nil
		}
		if err := each(seq, u, s, data); err != nil {
			return err
		}
	}
	return rows.Err()
}
