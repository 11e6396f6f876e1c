package store

import (
	"context"
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
