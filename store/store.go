// Package store keeps users, snippets, execution records and the graph
// outbox, in PostgreSQL (through pgx) or in an embedded SQLite file. Both
// backends run the same SQL through database/sql; dialect covers where
// they differ.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Sentinel errors; callers test them with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: already exists")
)

// DB is the store.
type DB struct {
	db      *sql.DB
	url     string // PostgreSQL: for the listening connection
	dialect dialect
	lock    *os.File // SQLite: held while this process has the database open
	alone   bool     // SQLite: no other process held the lock at Open
}

// Open connects to PostgreSQL when url is set (postgres://…), and otherwise
// opens (creating it if needed) the SQLite file coderemote.db in dataDir.
// It does not migrate; call Migrate.
func Open(ctx context.Context, url, dataDir string) (*DB, error) {
	var d *DB
	if url != "" {
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		db.SetMaxOpenConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		d = &DB{db: db, url: url, dialect: postgres}
	} else {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("store: data directory %s: %w", dataDir, err)
		}
		path := filepath.Join(dataDir, "coderemote.db")
		// WAL lets readers work during writes; synchronous=FULL makes every
		// committed change survive a crash or power loss.
		dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		db.SetMaxOpenConns(4)
		d = &DB{db: db, dialect: sqlite}
		d.lock, d.alone = lockFile(path + ".lock")
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.db.PingContext(pingCtx); err != nil {
		d.db.Close()
		if d.dialect.name == sqlite.name {
			path := filepath.Join(dataDir, "coderemote.db")
			f, ferr := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
			if ferr != nil {
				return nil, fmt.Errorf("store: open the SQLite database %s: %w", path, ferr) // the cause, with the path
			}
			f.Close()
			return nil, fmt.Errorf("store: open the SQLite database %s: %w", path, err)
		}
		return nil, fmt.Errorf("store: connect to %s: %w", d.dialect.name, err)
	}
	return d, nil
}

// Close closes the connections.
func (d *DB) Close() error {
	if d.lock != nil {
		d.lock.Close()
	}
	return d.db.Close()
}

// SharedSQLite reports that another process has the same SQLite database
// open. SQLite serves one process: several processes (replicas) need
// PostgreSQL, or each would search, follow jobs and drain the outbox on its
// own.
func (d *DB) SharedSQLite() bool { return d.dialect.name == sqlite.name && !d.alone }

// Backend names the backend: "postgres" or "sqlite".
func (d *DB) Backend() string { return d.dialect.name }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// dialect is what differs between the backends.
type dialect struct {
	name string
	like string // case-insensitive LIKE
	// rebind rewrites a query written with $1, $2… placeholders. Write them
	// in ascending order: the SQLite driver binds arguments in order of
	// appearance.
	rebind func(string) string
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

var (
	postgres = dialect{name: "postgres", like: "ILIKE", rebind: func(q string) string { return q }}
	sqlite   = dialect{name: "sqlite", like: "LIKE", rebind: func(q string) string {
		return placeholder.ReplaceAllString(q, "?$1")
	}}
)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (d *DB) exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	return q.ExecContext(ctx, d.dialect.rebind(query), args...)
}

func (d *DB) queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	return q.QueryRowContext(ctx, d.dialect.rebind(query), args...)
}

func (d *DB) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	return q.QueryContext(ctx, d.dialect.rebind(query), args...)
}

// inTx runs f in a transaction, committing if it returns nil.
func (d *DB) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// isUniqueViolation recognises a unique-constraint error of either backend.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLSTATE 23505") || strings.Contains(msg, "UNIQUE constraint failed")
}

// Time is a timestamp as both backends store it: UTC, microseconds, written
// as fixed-width text so that SQLite sorts it correctly.
type Time struct{ time.Time }

const timeLayout = "2006-01-02T15:04:05.000000Z"

// Now is the current time at the store's precision.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func (t Time) Value() (driver.Value, error) { return t.UTC().Format(timeLayout), nil }

func (t *Time) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		t.Time = v.UTC()
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("store: cannot scan %T as a time", v)
	}
	return nil
}

func (t *Time) parse(s string) error {
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("store: bad time %q: %w", s, err)
	}
	t.Time = p.UTC()
	return nil
}

// NullTime is a Time that may be NULL.
type NullTime struct {
	Time  time.Time
	Valid bool
}

func (n NullTime) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return Time{n.Time}.Value()
}

func (n *NullTime) Scan(v any) error {
	if v == nil {
		n.Valid = false
		return nil
	}
	var t Time
	if err := t.Scan(v); err != nil {
		return err
	}
	n.Time, n.Valid = t.Time, true
	return nil
}
