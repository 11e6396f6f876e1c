package store_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/coderemote/coderemote/store"
	"github.com/coderemote/coderemote/store/storetest"
)

func backends(t *testing.T) map[string]*DB { return storetest.Backends(t) }

func forEach(t *testing.T, f func(t *testing.T, db *DB)) {
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) { f(t, db) })
	}
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func ptr[T any](v T) *T { return &v }

func mustUser(t *testing.T, db *DB, email string) User {
	t.Helper()
	u, err := db.CreateUser(t.Context(), User{ID: newID(), Email: email, Username: "u", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestMigrateIsIdempotent(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		before, err := db.SchemaVersion(t.Context())
		if err != nil || before < 1 {
			t.Fatalf("got version %d %v", before, err)
		}
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		if after, err := db.SchemaVersion(t.Context()); err != nil || after != before {
			t.Fatalf("got version %d %v, want %d", after, err, before)
		}
	})
}

func TestUsers(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		u := mustUser(t, db, "Ada@Example.com")
		if u.Email != "ada@example.com" {
			t.Fatalf("email not normalised: %q", u.Email)
		}
		if _, err := db.CreateUser(ctx, User{ID: newID(), Email: "ADA@example.com "}); !errors.Is(err, ErrConflict) {
			t.Fatalf("duplicate email: got %v, want ErrConflict", err)
		}
		got, err := db.UserByEmail(ctx, "ada@EXAMPLE.com")
		if err != nil || got.ID != u.ID || got.PasswordHash != "h" || got.CreatedAt.IsZero() {
			t.Fatalf("got %+v %v", got, err)
		}
		if _, err := db.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
		if _, err := db.UserByID(ctx, newID()); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
		ext, err := db.ExternalUser(ctx, newID(), "https://issuer", "sub-1", "ada@example.com", "ada")
		if err != nil || ext.ID == u.ID || ext.ExternalSubject != "sub-1" || ext.Username != "ada" {
			t.Fatalf("external: got %+v %v", ext, err)
		}
		again, err := db.ExternalUser(ctx, newID(), "https://issuer", "sub-1", "", "ada2")
		if err != nil || again.ID != ext.ID || again.Username != "ada2" {
			t.Fatalf("external again: got %+v %v", again, err)
		}
	})
}

func TestSnippetLifecycle(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		u := mustUser(t, db, "a@example.com")
		s, err := db.CreateSnippet(ctx, Snippet{ID: newID(), UserID: u.ID, Title: ptr("Binary search"), Code: "print(1)", Description: ptr("halves")})
		if err != nil || s.Language != "python" || s.CreatedAt.IsZero() {
			t.Fatalf("create: %+v %v", s, err)
		}
		got, err := db.GetSnippet(ctx, u.ID, s.ID)
		if err != nil || *got.Title != "Binary search" || got.Code != "print(1)" || got.IsStarred || got.LastExecutionAt != nil {
			t.Fatalf("get: %+v %v", got, err)
		}
		if !got.CreatedAt.Equal(s.CreatedAt) {
			t.Fatalf("created_at round trip: %v vs %v", got.CreatedAt, s.CreatedAt)
		}
		upd, err := db.UpdateSnippet(ctx, u.ID, s.ID, SnippetPatch{
			Description: Field[string]{Set: true}, // clear
			IsStarred:   Field[bool]{Set: true, Value: ptr(true)},
			Code:        Field[string]{Set: true, Value: ptr("print(2)")},
		})
		if err != nil || upd.Description != nil || !upd.IsStarred || upd.Code != "print(2)" || *upd.Title != "Binary search" || !upd.UpdatedAt.After(s.UpdatedAt) && !upd.UpdatedAt.Equal(s.UpdatedAt) {
			t.Fatalf("update: %+v %v", upd, err)
		}
		at := Now()
		if err := db.RecordSnippetRun(ctx, u.ID, s.ID, at); err != nil {
			t.Fatal(err)
		}
		got, _ = db.GetSnippet(ctx, u.ID, s.ID)
		if got.ExecutionCount != 1 || got.LastExecutionAt == nil || !got.LastExecutionAt.Equal(at) {
			t.Fatalf("after run: count %d last %v", got.ExecutionCount, got.LastExecutionAt)
		}
		if err := db.DeleteSnippet(ctx, u.ID, s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.GetSnippet(ctx, u.ID, s.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
		if err := db.DeleteSnippet(ctx, u.ID, s.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		events, err := db.PendingOutbox(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for _, e := range events {
			if e.SnippetID != s.ID || e.UserID != u.ID {
				t.Fatalf("event %+v", e)
			}
			ops = append(ops, e.Op)
		}
		if strings.Join(ops, ",") != "upsert,upsert,delete" {
			t.Fatalf("outbox ops %v, want upsert,upsert,delete", ops)
		}
	})
}

func TestSnippetsAreIsolatedByOwner(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		a, b := mustUser(t, db, "a@example.com"), mustUser(t, db, "b@example.com")
		s, _ := db.CreateSnippet(ctx, Snippet{ID: newID(), UserID: a.ID, Code: "x"})
		if _, err := db.GetSnippet(ctx, b.ID, s.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		if _, err := db.UpdateSnippet(ctx, b.ID, s.ID, SnippetPatch{Code: Field[string]{Set: true, Value: ptr("y")}}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("update: %v", err)
		}
		if err := db.DeleteSnippet(ctx, b.ID, s.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete: %v", err)
		}
		if err := db.RecordSnippetRun(ctx, b.ID, s.ID, Now()); !errors.Is(err, ErrNotFound) {
			t.Fatalf("run: %v", err)
		}
		if list, total, _ := db.ListSnippets(ctx, b.ID, ListOptions{Limit: 10}); total != 0 || len(list) != 0 {
			t.Fatalf("list: %d", total)
		}
		got, _ := db.GetSnippet(ctx, a.ID, s.ID)
		if got.Code != "x" {
			t.Fatalf("a's snippet changed: %+v", got)
		}
	})
}

func TestListSnippets(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		u := mustUser(t, db, "a@example.com")
		titles := []string{"Quick sort", "binary search", "Bubble sort", "100% done_right", "Dijkstra"}
		ids := map[string]string{}
		for _, title := range titles {
			s, err := db.CreateSnippet(ctx, Snippet{ID: newID(), UserID: u.ID, Title: ptr(title), Code: "pass", Description: ptr("about " + strings.ToLower(title))})
			if err != nil {
				t.Fatal(err)
			}
			ids[title] = s.ID
			time.Sleep(2 * time.Millisecond)
		}
		db.UpdateSnippet(ctx, u.ID, ids["Bubble sort"], SnippetPatch{IsStarred: Field[bool]{Set: true, Value: ptr(true)}})
		names := func(list []Snippet) string {
			var out []string
			for _, s := range list {
				out = append(out, *s.Title)
			}
			return strings.Join(out, "|")
		}
		tests := []struct {
			name      string
			opts      ListOptions
			want      string
			wantTotal int
		}{
			{"starred first, then recently updated", ListOptions{Limit: 10}, "Bubble sort|Dijkstra|100% done_right|binary search|Quick sort", 5},
			{"pagination", ListOptions{Limit: 2, Offset: 1}, "Dijkstra|100% done_right", 5},
			{"past the end", ListOptions{Limit: 2, Offset: 10}, "", 5},
			{"contains, any case", ListOptions{Limit: 10, Query: "SORT"}, "Bubble sort|Quick sort", 2},
			{"in the description", ListOptions{Limit: 10, Query: "about dijk"}, "Dijkstra", 1},
			{"wildcards are literal", ListOptions{Limit: 10, Query: "100%"}, "100% done_right", 1},
			{"underscore is literal", ListOptions{Limit: 10, Query: "e_r"}, "100% done_right", 1},
			{"starred only", ListOptions{Limit: 10, StarredOnly: true}, "Bubble sort", 1},
			{"by title", ListOptions{Limit: 10, Sort: "title"}, "100% done_right|binary search|Bubble sort|Dijkstra|Quick sort", 5},
			{"by creation", ListOptions{Limit: 10, Sort: "created"}, "Dijkstra|100% done_right|Bubble sort|binary search|Quick sort", 5},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := db.ListSnippets(ctx, u.ID, tt.opts)
				if err != nil || names(list) != tt.want || total != tt.wantTotal {
					t.Fatalf("got %q (%d) %v, want %q (%d)", names(list), total, err, tt.want, tt.wantTotal)
				}
			})
		}
	})
}

func TestExecutionsAndSecrets(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		u := mustUser(t, db, "a@example.com")
		start := Now()
		e := Execution{JobID: newID(), UserID: u.ID, Client: "192.0.2.1", CodeSHA256: "abc", Outcome: "ZeroDivisionError",
			ErrorType: "ZeroDivisionError", ExitCode: 1, DurationMS: 12.5, StartedAt: start, FinishedAt: start.Add(13 * time.Millisecond)}
		if err := db.RecordExecution(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordExecution(ctx, Execution{JobID: newID(), Client: "anon", CodeSHA256: "x", Outcome: "success", StartedAt: start, FinishedAt: start}); err != nil {
			t.Fatal(err)
		}
		got, err := db.ExecutionsOf(ctx, u.ID, 10)
		if err != nil || len(got) != 1 || got[0] != e {
			t.Fatalf("got %+v %v, want %+v", got, err, e)
		}
		calls := 0
		gen := func() []byte { calls++; return []byte(fmt.Sprintf("secret-%d", calls)) }
		a, err := db.Secret(ctx, "jwt", gen)
		b, err2 := db.Secret(ctx, "jwt", gen)
		if err != nil || err2 != nil || string(a) != "secret-1" || string(b) != "secret-1" {
			t.Fatalf("got %q %q %v %v", a, b, err, err2)
		}
	})
}

func TestOutboxRetriesAndIndexNodes(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		u := mustUser(t, db, "a@example.com")
		s, _ := db.CreateSnippet(ctx, Snippet{ID: newID(), UserID: u.ID, Code: "x"})
		events, _ := db.PendingOutbox(ctx, 10)
		if len(events) != 1 {
			t.Fatalf("pending: %+v", events)
		}
		if lag, err := db.OutboxLag(ctx); err != nil || lag < 0 {
			t.Fatalf("lag %v %v", lag, err)
		}
		db.MarkOutboxFailed(ctx, events[0].ID, "graph down", Now().Add(time.Hour))
		if later, _ := db.PendingOutbox(ctx, 10); len(later) != 0 {
			t.Fatalf("a failed event is retried only when due: %+v", later)
		}
		db.MarkOutboxFailed(ctx, events[0].ID, "graph down", Now().Add(-time.Second))
		due, _ := db.PendingOutbox(ctx, 10)
		if len(due) != 1 || due[0].Attempts != 2 {
			t.Fatalf("due again: %+v", due)
		}
		db.MarkOutboxDone(ctx, due[0].ID)
		if lag, _ := db.OutboxLag(ctx); lag != 0 {
			t.Fatalf("lag after done: %v", lag)
		}
		if err := db.SaveIndexNode(ctx, u.ID, s.ID, []byte("one")); err != nil {
			t.Fatal(err)
		}
		db.SaveIndexNode(ctx, u.ID, s.ID, []byte("two"))
		var got []string
		db.LoadIndexNodes(ctx, func(uid, sid string, data []byte) error {
			got = append(got, uid+"/"+sid+"/"+string(data))
			return nil
		})
		if len(got) != 1 || got[0] != u.ID+"/"+s.ID+"/two" {
			t.Fatalf("index nodes: %v", got)
		}
		db.DeleteIndexNode(ctx, u.ID, s.ID)
		got = nil
		db.LoadIndexNodes(ctx, func(uid, sid string, data []byte) error { got = append(got, sid); return nil })
		if len(got) != 0 {
			t.Fatalf("after delete: %v", got)
		}
	})
}

func TestEmbeddingSpaceChangeQueuesReindex(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		u := mustUser(t, db, "a@example.com")
		if n, err := db.UseEmbeddingSpace(ctx, "local"); err != nil || n != 0 {
			t.Fatalf("first: %d %v", n, err)
		}
		db.CreateSnippet(ctx, Snippet{ID: newID(), UserID: u.ID, Code: "a"})
		db.CreateSnippet(ctx, Snippet{ID: newID(), UserID: u.ID, Code: "b"})
		if n, _ := db.UseEmbeddingSpace(ctx, "local"); n != 0 {
			t.Fatalf("same space queued %d", n)
		}
		if n, err := db.UseEmbeddingSpace(ctx, "gemini"); err != nil || n != 2 {
			t.Fatalf("new space: %d %v", n, err)
		}
		if events, _ := db.PendingOutbox(ctx, 10); len(events) != 4 {
			t.Fatalf("outbox: %d events", len(events))
		}
	})
}

// TestOutboxClaimedOnce: two processes draining 1,000 events at once each
// index every event exactly once; a claim whose holder died is taken again
// once its lease ends.
func TestOutboxClaimedOnce(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		ctx := t.Context()
		u := mustUser(t, db, "outbox@example.com")
		for range 1000 { // each writes its event
			if _, err := db.CreateSnippet(ctx, Snippet{ID: newID(), UserID: u.ID, Code: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					events, err := db.ClaimOutbox(ctx, 25, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(events) == 0 {
						return
					}
					for _, e := range events {
						mu.Lock()
						seen[e.ID]++
						mu.Unlock()
						if err := db.MarkOutboxDone(ctx, e.ID); err != nil {
							t.Error(err)
						}
					}
				}
			}()
		}
		wg.Wait()
		if len(seen) != 1000 {
			t.Fatalf("%d events indexed, want 1000", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("event %d indexed %d times", id, n)
			}
		}
		// A holder that dies: its claim lapses, and another takes the event.
		db.CreateSnippet(ctx, Snippet{ID: newID(), UserID: u.ID, Code: "y"})
		if got, _ := db.ClaimOutbox(ctx, 10, 50*time.Millisecond); len(got) != 1 {
			t.Fatalf("claimed %d, want 1", len(got))
		}
		if got, _ := db.ClaimOutbox(ctx, 10, time.Minute); len(got) != 0 {
			t.Fatalf("a held event was claimed again: %v", got)
		}
		time.Sleep(100 * time.Millisecond)
		if got, _ := db.ClaimOutbox(ctx, 10, time.Minute); len(got) != 1 {
			t.Fatalf("after the lease: claimed %d, want 1", len(got))
		}
	})
}

// TestSecondProcessOnSQLite: a second open of the same SQLite file (as a
// second process would) is told that the database is shared.
func TestSecondProcessOnSQLite(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(t.Context(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if first.SharedSQLite() {
		t.Fatal("the first process is told it shares the database")
	}
	second, err := Open(t.Context(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !second.SharedSQLite() {
		t.Fatal("the second open is not told the database is shared")
	}
	second.Close()
}
