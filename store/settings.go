package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Secret returns the named secret, creating it with generate on first use.
// Concurrent first uses agree on one value.
func (d *DB) Secret(ctx context.Context, name string, generate func() []byte) ([]byte, error) {
	var v []byte
	err := d.queryRow(ctx, d.db, `SELECT value FROM settings WHERE name = $1`, name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if err := notFound(err, "setting"); err != nil && !isNotFound(err) {
		return nil, err
	}
	_, err = d.exec(ctx, d.db, `INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, generate())
	if err != nil {
		return nil, fmt.Errorf("store: create secret %s: %w", name, err)
	}
	if err := d.queryRow(ctx, d.db, `SELECT value FROM settings WHERE name = $1`, name).Scan(&v); err != nil {
		return nil, fmt.Errorf("store: read secret %s: %w", name, err)
	}
	return v, nil
}

// UseEmbeddingSpace records which kind of embeddings the search index holds.
// When it differs from the last one recorded (and there was one), every
// snippet is queued for re-indexing; it reports how many.
func (d *DB) UseEmbeddingSpace(ctx context.Context, space string) (int, error) {
	var queued int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var old []byte
		err := d.queryRow(ctx, tx, `SELECT value FROM settings WHERE name = 'embedding_space'`).Scan(&old)
		switch {
		case err == nil && string(old) == space:
			return nil
		case err == nil:
			res, err := d.exec(ctx, tx, `INSERT INTO graph_outbox (snippet_id, user_id, op, created_at) SELECT id, user_id, $1, $2 FROM snippets`,
				OpUpsert, Time{Now()})
			if err != nil {
				return err
			}
			queued, _ = res.RowsAffected()
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = d.exec(ctx, tx, `INSERT INTO settings (name, value) VALUES ('embedding_space', $1)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, []byte(space))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: embedding space: %w", err)
	}
	return int(queued), nil
}
