package store

import (
	"context"
	"database/sql"
	"fmt"
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

// PendingOutbox returns the oldest unprocessed events.
func (d *DB) PendingOutbox(ctx context.Context, limit int) ([]OutboxEvent, error) {
	rows, err := d.query(ctx, d.db, `SELECT id, snippet_id, user_id, op, created_at, attempts FROM graph_outbox
		WHERE processed_at IS NULL ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		var created Time
		if err := rows.Scan(&e.ID, &e.SnippetID, &e.UserID, &e.Op, &created, &e.Attempts); err != nil {
			return nil, fmt.Errorf("store: pending outbox: %w", err)
		}
		e.CreatedAt = created.Time
		out = append(out, e)
	}
	return out, rows.Err()
}
