// Package storetest opens real stores for tests: SQLite in a temporary
// directory and PostgreSQL in a throw-away database.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coderemote/coderemote/store"
)

// AdminURL is the PostgreSQL server used for tests: CODEREMOTE_TEST_POSTGRES,
// or the local one with trust auth.
func AdminURL() string {
	if u := os.Getenv("CODEREMOTE_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// Backends returns a fresh, migrated store per backend, keyed by name.
// Without a reachable PostgreSQL the PostgreSQL entry is missing, unless
// CODEREMOTE_REQUIRE_POSTGRES=1 (set by make test and CI): then it fails.
func Backends(t testing.TB) map[string]*store.DB {
	t.Helper()
	out := map[string]*store.DB{"sqlite": SQLite(t, t.TempDir())}
	if url := PostgresURL(t); url != "" {
		out["postgres"] = open(t, url, "")
	}
	return out
}

// SQLite opens (and migrates) the SQLite store in dir.
func SQLite(t testing.TB, dir string) *store.DB { return open(t, "", dir) }

func open(t testing.TB, url, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresURL creates a throw-away database and returns its URL ("" when
// PostgreSQL is unavailable and not required). It is dropped after the test.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin, err := sql.Open("pgx", AdminURL())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CODEREMOTE_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL at %s: %v", AdminURL(), err)
		}
		t.Logf("skipping PostgreSQL: %v", err)
		return ""
	}
	name := "cr_test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	return strings.Replace(AdminURL(), "/test?", "/"+name+"?", 1)
}
