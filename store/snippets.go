package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Snippet is a saved program.
type Snippet struct {
	ID              string
	UserID          string
	Title           *string
	Language        string
	Code            string
	Description     *string
	ExecutionCount  int
	IsStarred       bool
	IsPublic        bool // anyone with its link may read it (PublicSnippet)
	TimeComplexity  *string
	SpaceComplexity *string
	LastExecutionAt *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Field is an optional change in a SnippetPatch: Set says whether the
// field changes; a nil Value clears it.
type Field[T any] struct {
	Set   bool
	Value *T
}

// SnippetPatch is a partial update.
type SnippetPatch struct {
	Title, Description, Language, Code Field[string]
	IsStarred, IsPublic                Field[bool]
	TimeComplexity, SpaceComplexity    Field[string]
}

// Outbox operations.
const (
	OpUpsert = "upsert"
	OpDelete = "delete"
)

const snippetColumns = `id, user_id, title, language, code, description, execution_count, is_starred, is_public, time_complexity, space_complexity, last_execution_at, created_at, updated_at`

func scanSnippet(row interface{ Scan(...any) error }) (Snippet, error) {
	var s Snippet
	var title, desc, tc, sc sql.NullString
	var last NullTime
	var created, updated Time
	err := row.Scan(&s.ID, &s.UserID, &title, &s.Language, &s.Code, &desc, &s.ExecutionCount, &s.IsStarred, &s.IsPublic, &tc, &sc, &last, &created, &updated)
	s.Title, s.Description, s.TimeComplexity, s.SpaceComplexity = strPtr(title), strPtr(desc), strPtr(tc), strPtr(sc)
	if last.Valid {
		s.LastExecutionAt = &last.Time
	}
	s.CreatedAt, s.UpdatedAt = created.Time, updated.Time
	return s, err
}

func strPtr(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	return &n.String
}

// CreateSnippet saves a new snippet and, in the same transaction, an
// outbox event so that search learns of it.
func (d *DB) CreateSnippet(ctx context.Context, s Snippet) (Snippet, error) {
	now := Now()
	s.CreatedAt, s.UpdatedAt = now, now
	if s.Language == "" {
		s.Language = "python"
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		_, err := d.exec(ctx, tx, `INSERT INTO snippets (id, user_id, title, language, code, description, is_starred, is_public, time_complexity, space_complexity, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			s.ID, s.UserID, s.Title, s.Language, s.Code, s.Description, s.IsStarred, s.IsPublic, s.TimeComplexity, s.SpaceComplexity, Time{now}, Time{now})
		if err != nil {
			return err
		}
		return d.enqueue(ctx, tx, s.ID, s.UserID, OpUpsert)
	})
	if err != nil {
		return Snippet{}, fmt.Errorf("store: create snippet: %w", err)
	}
	return s, nil
}

// GetSnippet returns a snippet of the user; others' snippets are ErrNotFound.
func (d *DB) GetSnippet(ctx context.Context, userID, id string) (Snippet, error) {
	s, err := scanSnippet(d.queryRow(ctx, d.db, `SELECT `+snippetColumns+` FROM snippets WHERE id = $1 AND user_id = $2`, id, userID))
	return s, notFound(err, "snippet "+id)
}

// PublicSnippet returns a snippet its owner has made public, to anyone;
// ErrNotFound when there is none or it is private (the two look alike).
func (d *DB) PublicSnippet(ctx context.Context, id string) (Snippet, error) {
	s, err := scanSnippet(d.queryRow(ctx, d.db, `SELECT `+snippetColumns+` FROM snippets WHERE id = $1 AND is_public = $2`, id, true))
	return s, notFound(err, "public snippet "+id)
}

// ListOptions select and order a page of snippets.
type ListOptions struct {
	Limit, Offset int
	Query         string // contained in the title or the description
	StarredOnly   bool
	Sort          string // "updated" (default: starred first), "created", "title"
}

// ListSnippets returns a page of the user's snippets and how many match.
func (d *DB) ListSnippets(ctx context.Context, userID string, o ListOptions) ([]Snippet, int, error) {
	where := []string{"user_id = $1"}
	args := []any{userID}
	if o.Query != "" {
		args = append(args, "%"+escapeLike(o.Query)+"%")
		n := len(args)
		where = append(where, fmt.Sprintf(`(title %[1]s $%[2]d ESCAPE '\' OR description %[1]s $%[2]d ESCAPE '\')`, d.dialect.like, n))
	}
	if o.StarredOnly {
		where = append(where, "is_starred = $"+fmt.Sprint(len(args)+1))
		args = append(args, true)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := d.queryRow(ctx, d.db, `SELECT count(*) FROM snippets WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count snippets: %w", err)
	}
	order := "is_starred DESC, updated_at DESC, id"
	switch o.Sort {
	case "created":
		order = "created_at DESC, id"
	case "title":
		order = "coalesce(title, '') = '', lower(coalesce(title, '')), id"
	}
	args = append(args, o.Limit, o.Offset)
	rows, err := d.query(ctx, d.db, fmt.Sprintf(`SELECT %s FROM snippets WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d`,
		snippetColumns, cond, order, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list snippets: %w", err)
	}
	defer rows.Close()
	out := []Snippet{}
	for rows.Next() {
		s, err := scanSnippet(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list snippets: %w", err)
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UpdateSnippet applies a partial update (and queues it for search).
func (d *DB) UpdateSnippet(ctx context.Context, userID, id string, p SnippetPatch) (Snippet, error) {
	var sets []string
	var args []any
	add := func(col string, set bool, v any) {
		if set {
			args = append(args, v)
			sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
		}
	}
	add("title", p.Title.Set, p.Title.Value)
	add("description", p.Description.Set, p.Description.Value)
	add("language", p.Language.Set, p.Language.Value)
	add("code", p.Code.Set, p.Code.Value)
	add("is_starred", p.IsStarred.Set, p.IsStarred.Value)
	add("is_public", p.IsPublic.Set, p.IsPublic.Value)
	add("time_complexity", p.TimeComplexity.Set, p.TimeComplexity.Value)
	add("space_complexity", p.SpaceComplexity.Set, p.SpaceComplexity.Value)
	add("updated_at", true, Time{Now()})
	args = append(args, id, userID)
	var out Snippet
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		res, err := d.exec(ctx, tx, fmt.Sprintf(`UPDATE snippets SET %s WHERE id = $%d AND user_id = $%d`,
			strings.Join(sets, ", "), len(args)-1, len(args)), args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if err := d.enqueue(ctx, tx, id, userID, OpUpsert); err != nil {
			return err
		}
		out, err = scanSnippet(d.queryRow(ctx, tx, `SELECT `+snippetColumns+` FROM snippets WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return Snippet{}, fmt.Errorf("store: update snippet %s: %w", id, err)
	}
	return out, nil
}

// DeleteSnippet removes a snippet (and queues its removal from search).
func (d *DB) DeleteSnippet(ctx context.Context, userID, id string) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		res, err := d.exec(ctx, tx, `DELETE FROM snippets WHERE id = $1 AND user_id = $2`, id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return d.enqueue(ctx, tx, id, userID, OpDelete)
	})
	if err != nil {
		return fmt.Errorf("store: delete snippet %s: %w", id, err)
	}
	return nil
}

// RecordSnippetRun counts a run of the user's snippet.
func (d *DB) RecordSnippetRun(ctx context.Context, userID, id string, at time.Time) error {
	res, err := d.exec(ctx, d.db, `UPDATE snippets SET execution_count = execution_count + 1, last_execution_at = $1 WHERE id = $2 AND user_id = $3`,
		Time{at}, id, userID)
	if err != nil {
		return fmt.Errorf("store: record run of snippet %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: record run of snippet %s: %w", id, ErrNotFound)
	}
	return nil
}
