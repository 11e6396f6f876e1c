package store

import (
	"context"
	"fmt"
	"time"
)

// Execution is the audit record of one run. It never holds the code.
type Execution struct {
	JobID      string
	UserID     string // empty for anonymous runs
	Client     string // the client's IP
	SnippetID  string
	CodeSHA256 string
	Outcome    string // "success", "exit_nonzero", or the error type
	ErrorType  string
	ExitCode   int
	DurationMS float64
	StartedAt  time.Time
	FinishedAt time.Time
}

// RecordExecution stores an audit record.
func (d *DB) RecordExecution(ctx context.Context, e Execution) error {
	_, err := d.exec(ctx, d.db, `INSERT INTO executions (job_id, user_id, client, snippet_id, code_sha256, outcome, error_type, exit_code, duration_ms, started_at, finished_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.JobID, nullIfEmpty(e.UserID), e.Client, nullIfEmpty(e.SnippetID), e.CodeSHA256, e.Outcome, nullIfEmpty(e.ErrorType),
		e.ExitCode, e.DurationMS, Time{e.StartedAt}, Time{e.FinishedAt})
	if err != nil {
		return fmt.Errorf("store: record execution %s: %w", e.JobID, err)
	}
	return nil
}

// ExecutionsOf returns the user's audit records, newest first (for tests
// and administration).
func (d *DB) ExecutionsOf(ctx context.Context, userID string, limit int) ([]Execution, error) {
	rows, err := d.query(ctx, d.db, `SELECT job_id, coalesce(CAST(user_id AS TEXT), ''), client, coalesce(CAST(snippet_id AS TEXT), ''), code_sha256, outcome, coalesce(error_type, ''), exit_code, duration_ms, started_at, finished_at
		FROM executions WHERE user_id = $1 ORDER BY started_at DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: executions: %w", err)
	}
	defer rows.Close()
	var out []Execution
	for rows.Next() {
		var e Execution
		var started, finished Time
		if err := rows.Scan(&e.JobID, &e.UserID, &e.Client, &e.SnippetID, &e.CodeSHA256, &e.Outcome, &e.ErrorType, &e.ExitCode, &e.DurationMS, &started, &finished); err != nil {
			return nil, fmt.Errorf("store: executions: %w", err)
		}
		e.StartedAt, e.FinishedAt = started.Time, finished.Time
		out = append(out, e)
	}
	return out, rows.Err()
}
