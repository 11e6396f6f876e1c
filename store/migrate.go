package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migration is one step of the schema, in each backend's SQL. The list is
// append-only: never edit a released step, add a new one.
type migration struct {
	postgres, sqlite string
}

var migrations = []migration{
	{ // 1: users, snippets, executions, graph outbox, settings
		postgres: `
CREATE TABLE users (
	id uuid PRIMARY KEY,
	email text UNIQUE,
	username text NOT NULL DEFAULT '',
	password_hash text,
	external_issuer text,
	external_subject text,
	created_at timestamptz NOT NULL,
	UNIQUE (external_issuer, external_subject)
);
CREATE TABLE snippets (
	id uuid PRIMARY KEY,
	user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	title text,
	language text NOT NULL DEFAULT 'python',
	code text NOT NULL,
	description text,
	execution_count integer NOT NULL DEFAULT 0,
	is_starred boolean NOT NULL DEFAULT false,
	time_complexity text,
	space_complexity text,
	last_execution_at timestamptz,
	created_at timestamptz NOT NULL,
	updated_at timestamptz NOT NULL
);
CREATE INDEX snippets_by_user ON snippets (user_id, is_starred DESC, updated_at DESC);
CREATE TABLE executions (
	job_id uuid PRIMARY KEY,
	user_id uuid,
	client text NOT NULL,
	snippet_id uuid,
	code_sha256 text NOT NULL,
	outcome text NOT NULL,
	error_type text,
	exit_code integer NOT NULL,
	duration_ms double precision NOT NULL,
	started_at timestamptz NOT NULL,
	finished_at timestamptz NOT NULL
);
CREATE INDEX executions_by_user ON executions (user_id, started_at);
CREATE TABLE graph_outbox (
	id bigserial PRIMARY KEY,
	snippet_id uuid NOT NULL,
	user_id uuid NOT NULL,
	op text NOT NULL,
	created_at timestamptz NOT NULL,
	processed_at timestamptz,
	attempts integer NOT NULL DEFAULT 0,
	last_error text
);
CREATE INDEX graph_outbox_pending ON graph_outbox (id) WHERE processed_at IS NULL;
CREATE TABLE settings (
	name text PRIMARY KEY,
	value bytea NOT NULL
);`,
		sqlite: `
CREATE TABLE users (
	id TEXT PRIMARY KEY,
	email TEXT UNIQUE,
	username TEXT NOT NULL DEFAULT '',
	password_hash TEXT,
	external_issuer TEXT,
	external_subject TEXT,
	created_at TEXT NOT NULL,
	UNIQUE (external_issuer, external_subject)
);
CREATE TABLE snippets (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	title TEXT,
	language TEXT NOT NULL DEFAULT 'python',
	code TEXT NOT NULL,
	description TEXT,
	execution_count INTEGER NOT NULL DEFAULT 0,
	is_starred INTEGER NOT NULL DEFAULT 0,
	time_complexity TEXT,
	space_complexity TEXT,
	last_execution_at TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX snippets_by_user ON snippets (user_id, is_starred DESC, updated_at DESC);
CREATE TABLE executions (
	job_id TEXT PRIMARY KEY,
	user_id TEXT,
	client TEXT NOT NULL,
	snippet_id TEXT,
	code_sha256 TEXT NOT NULL,
	outcome TEXT NOT NULL,
	error_type TEXT,
	exit_code INTEGER NOT NULL,
	duration_ms REAL NOT NULL,
	started_at TEXT NOT NULL,
	finished_at TEXT NOT NULL
);
CREATE INDEX executions_by_user ON executions (user_id, started_at);
CREATE TABLE graph_outbox (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	snippet_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	op TEXT NOT NULL,
	created_at TEXT NOT NULL,
	processed_at TEXT,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT
);
CREATE INDEX graph_outbox_pending ON graph_outbox (id) WHERE processed_at IS NULL;
CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	value BLOB NOT NULL
);`,
	},
	{ // 2: the embedded search index, and retry scheduling for the outbox
		postgres: `
CREATE TABLE search_index (
	snippet_id uuid PRIMARY KEY,
	user_id uuid NOT NULL,
	data bytea NOT NULL
);
CREATE INDEX search_index_by_user ON search_index (user_id);
ALTER TABLE graph_outbox ADD COLUMN next_attempt_at timestamptz;`,
		sqlite: `
CREATE TABLE search_index (
	snippet_id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	data BLOB NOT NULL
);
CREATE INDEX search_index_by_user ON search_index (user_id);
ALTER TABLE graph_outbox ADD COLUMN next_attempt_at TEXT;`,
	},
	{ // 3: a per-user token generation: signing out or changing the password revokes older tokens
		postgres: `ALTER TABLE users ADD COLUMN token_generation integer NOT NULL DEFAULT 0;`,
		sqlite:   `ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;`,
	},
	{ // 4: the search index's change sequence, which every replica follows; deletions become tombstones
		postgres: `
ALTER TABLE search_index ADD COLUMN seq bigint NOT NULL DEFAULT 0;
ALTER TABLE search_index ADD COLUMN deleted boolean NOT NULL DEFAULT false;
CREATE INDEX search_index_by_seq ON search_index (seq);`,
		sqlite: `
ALTER TABLE search_index ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE search_index ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX search_index_by_seq ON search_index (seq);`,
	},
	{ // 5: outbox events are claimed for a while by the process that indexes them
		postgres: `ALTER TABLE graph_outbox ADD COLUMN claimed_until timestamptz;`,
		sqlite:   `ALTER TABLE graph_outbox ADD COLUMN claimed_until TEXT;`,
	},
	{ // 6: finished jobs, so that GET /jobs/{id} answers on every process
		postgres: `
CREATE TABLE jobs (
	id uuid PRIMARY KEY,
	owner text NOT NULL,
	view bytea NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX jobs_by_expiry ON jobs (expires_at);`,
		sqlite: `
CREATE TABLE jobs (
	id TEXT PRIMARY KEY,
	owner TEXT NOT NULL,
	view BLOB NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX jobs_by_expiry ON jobs (expires_at);`,
	},
	{ // 7: requests handed to the process that holds a WebSocket connection
		postgres: `
CREATE TABLE handoffs (
	id uuid PRIMARY KEY,
	body bytea NOT NULL,
	expires_at timestamptz NOT NULL
);`,
		sqlite: `
CREATE TABLE handoffs (
	id TEXT PRIMARY KEY,
	body BLOB NOT NULL,
	expires_at TEXT NOT NULL
);`,
	},
	{ // 8: shared programs (permalinks): immutable copies of code and stdin
		postgres: `
CREATE TABLE shares (
	id text PRIMARY KEY,
	code text NOT NULL,
	stdin text NOT NULL,
	owner_id text NOT NULL,
	created_at timestamptz NOT NULL
);`,
		sqlite: `
CREATE TABLE shares (
	id TEXT PRIMARY KEY,
	code TEXT NOT NULL,
	stdin TEXT NOT NULL,
	owner_id TEXT NOT NULL,
	created_at TEXT NOT NULL
);`,
	},
	{ // 9: public snippets: the owner may let anyone with the link read one
		postgres: `ALTER TABLE snippets ADD COLUMN is_public boolean NOT NULL DEFAULT false;`,
		sqlite:   `ALTER TABLE snippets ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0;`,
	},
	{ // 10: rooms: live documents, their event log (Yjs updates, runs, owner
		// controls) and who is in them (on every replica)
		postgres: `
CREATE TABLE rooms (
	id text PRIMARY KEY,
	owner_id text NOT NULL,
	mode text NOT NULL,
	editor text NOT NULL,
	last_seq bigint NOT NULL DEFAULT 0,
	log_bytes bigint NOT NULL DEFAULT 0,
	snapshot bytea,
	snapshot_seq bigint NOT NULL DEFAULT 0,
	created_at timestamptz NOT NULL,
	active_at timestamptz NOT NULL,
	ended_at timestamptz
);
CREATE TABLE room_events (
	room_id text NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	seq bigint NOT NULL,
	kind text NOT NULL,
	member text NOT NULL,
	data bytea NOT NULL,
	created_at timestamptz NOT NULL,
	PRIMARY KEY (room_id, seq)
);
CREATE TABLE room_members (
	room_id text NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	member text NOT NULL,
	name text NOT NULL,
	user_id text NOT NULL,
	client_id bigint NOT NULL,
	conn text NOT NULL,
	seen_at timestamptz NOT NULL,
	PRIMARY KEY (room_id, member)
);`,
		sqlite: `
CREATE TABLE rooms (
	id TEXT PRIMARY KEY,
	owner_id TEXT NOT NULL,
	mode TEXT NOT NULL,
	editor TEXT NOT NULL,
	last_seq INTEGER NOT NULL DEFAULT 0,
	log_bytes INTEGER NOT NULL DEFAULT 0,
	snapshot BLOB,
	snapshot_seq INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	active_at TEXT NOT NULL,
	ended_at TEXT
);
CREATE TABLE room_events (
	room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL,
	member TEXT NOT NULL,
	data BLOB NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (room_id, seq)
);
CREATE TABLE room_members (
	room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
	member TEXT NOT NULL,
	name TEXT NOT NULL,
	user_id TEXT NOT NULL,
	client_id INTEGER NOT NULL,
	conn TEXT NOT NULL,
	seen_at TEXT NOT NULL,
	PRIMARY KEY (room_id, member)
);`,
	},
}

// Migrate brings the schema up to date, one transaction per step. It is
// safe to run at every start and from several processes: PostgreSQL steps
// take an advisory lock, SQLite ones an immediate write lock.
func (d *DB) Migrate(ctx context.Context) error {
	lock := func(tx *sql.Tx) error {
		if d.dialect.name == "postgres" {
			_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7426501)`)
			return err
		}
		return nil
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		// Under the lock: two processes creating it at once collide otherwise.
		if err := lock(tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	for i, m := range migrations {
		version := i + 1
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			if err := lock(tx); err != nil {
				return err
			}
			var n int
			if err := d.queryRow(ctx, tx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			sqlText := m.sqlite
			if d.dialect.name == "postgres" {
				sqlText = m.postgres
			}
			if _, err := tx.ExecContext(ctx, sqlText); err != nil {
				return err
			}
			_, err := d.exec(ctx, tx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, version, Time{Now()})
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %d: %w", version, err)
		}
	}
	return nil
}

// SchemaVersion is the newest migration applied.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := d.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return int(v.Int64), nil
}
