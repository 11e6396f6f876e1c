package store

import (
	"context"
	"fmt"
	"time"
)

// Share is a shared program: an immutable copy of code and stdin behind a
// short id, for a permalink.
type Share struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	Stdin     string    `json:"stdin"`
	OwnerID   string    `json:"-"` // "" for a visitor's share
	CreatedAt time.Time `json:"created_at"`
}

// CreateShare stores a share; ErrConflict if its id is taken.
func (d *DB) CreateShare(ctx context.Context, s Share) error {
	_, err := d.exec(ctx, d.db, `INSERT INTO shares (id, code, stdin, owner_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
		s.ID, s.Code, s.Stdin, s.OwnerID, Time{s.CreatedAt})
	if isUniqueViolation(err) {
		return fmt.Errorf("store: share %s: %w", s.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create share: %w", err)
	}
	return nil
}

// Share returns a share; ErrNotFound when there is none.
func (d *DB) Share(ctx context.Context, id string) (Share, error) {
	s := Share{ID: id}
	var created Time
	err := d.queryRow(ctx, d.db, `SELECT code, stdin, owner_id, created_at FROM shares WHERE id = $1`, id).
		Scan(&s.Code, &s.Stdin, &s.OwnerID, &created)
	s.CreatedAt = created.Time
	return s, notFound(err, "share "+id)
}
