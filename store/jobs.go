package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SaveJob keeps a finished job's view (JSON, as GET /jobs/{id} shows it)
// until expires, for its owner ("" for an anonymous job), so that any
// process sharing the database can answer for it. Expired jobs are removed
// as new ones are saved.
func (d *DB) SaveJob(ctx context.Context, id, owner string, view []byte, expires time.Time) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := d.exec(ctx, tx, `DELETE FROM jobs WHERE expires_at < $1`, Time{Now()}); err != nil {
			return fmt.Errorf("store: expire jobs: %w", err)
		}
		_, err := d.exec(ctx, tx, `INSERT INTO jobs (id, owner, view, expires_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, view = excluded.view, expires_at = excluded.expires_at`,
			id, owner, view, Time{expires})
		if err != nil {
			return fmt.Errorf("store: save job %s: %w", id, err)
		}
		return nil
	})
}

// Job returns a saved job's owner and view; ErrNotFound when there is none
// or it has expired.
func (d *DB) Job(ctx context.Context, id string) (owner string, view []byte, err error) {
	err = d.queryRow(ctx, d.db, `SELECT owner, view FROM jobs WHERE id = $1 AND expires_at >= $2`, id, Time{Now()}).Scan(&owner, &view)
	return owner, view, notFound(err, "job "+id)
}

// DeleteJob forgets a job (one that was announced but never ran).
func (d *DB) DeleteJob(ctx context.Context, id string) error {
	if _, err := d.exec(ctx, d.db, `DELETE FROM jobs WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store: delete job %s: %w", id, err)
	}
	return nil
}
