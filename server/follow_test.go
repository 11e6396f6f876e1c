package server

import (
	"testing"
	"time"

	"github.com/coderemote/coderemote/graph"
	"github.com/coderemote/coderemote/store/storetest"
)

// TestIndexFollowsOtherProcesses: two embedded indexes over one database,
// as two replicas have; what one indexes, changes or deletes, the other
// follows within a second.
func TestIndexFollowsOtherProcesses(t *testing.T) {
	for name, db := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			a, err := graph.NewEmbedded(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			seq, err := db.IndexSeq(ctx)
			if err != nil {
				t.Fatal(err)
			}
			b, err := graph.NewEmbedded(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			go b.Follow(ctx, db, seq, 50*time.Millisecond, nil, func(err error) { t.Error(err) })
			user := "00000000-0000-4000-8000-000000000001"
			node := func(id, title string) graph.Node {
				return graph.Node{SnippetID: id, UserID: user, Title: title, Embedding: []float32{1, 0}, UpdatedAt: time.Now()}
			}
			eventually := func(what string, ok func() bool) {
				t.Helper()
				for deadline := time.Now().Add(2 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("%s: not seen by the other index within 2 s", what)
					}
				}
			}
			ids := []string{"00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a2", "00000000-0000-4000-8000-0000000000a3"}
			for _, id := range ids {
				if err := a.Upsert(ctx, node(id, "first")); err != nil {
					t.Fatal(err)
				}
			}
			eventually("saves", func() bool { return b.Count(user) == 3 })
			a.Upsert(ctx, node(ids[0], "edited"))
			eventually("an edit", func() bool {
				r, _ := b.Similar(ctx, user, ids[1], 3)
				for _, x := range r {
					if x.SnippetID == ids[0] && x.Title == "edited" {
						return true
					}
				}
				return false
			})
			a.Delete(ctx, user, ids[2])
			eventually("a deletion", func() bool { return b.Count(user) == 2 })
			// A fresh process loads what is there, tombstones excluded.
			c, err := graph.NewEmbedded(ctx, db)
			if err != nil || c.Count(user) != 2 {
				t.Fatalf("a fresh index has %d nodes (%v), want 2", c.Count(user), err)
			}
		})
	}
}

// TestJobsOnEveryProcess: a job run by one process is found by another
// sharing the (PostgreSQL) database, with the same ownership rules.
func TestJobsOnEveryProcess(t *testing.T) {
	for name, db := range storetest.Backends(t) {
		if name != "postgres" {
			continue // SQLite serves one process
		}
		t.Run(name, func(t *testing.T) {
			cfg := Config{Auth: AuthConfig{Secret: testSecret}}
			a := New(cfg, discardLog(), Deps{Runner: sharedPool(t), Store: db})
			b := New(cfg, discardLog(), Deps{Runner: sharedPool(t), Store: db})
			alice := registerUser(t, a, "alice-jobs@example.com")
			bob := registerUser(t, a, "bob-jobs@example.com")
			_, mine, _ := call(t, a, "POST", "/execute", alice, `{"code":"print('from a')"}`)
			_, anon, _ := call(t, a, "POST", "/execute", "", `{"code":"print('anonymous')"}`)
			code, got, _ := call(t, b, "GET", "/jobs/"+mine["job_id"].(string), alice, "")
			result, _ := got["result"].(map[string]any)
			if code != 200 || got["status"] != "completed" || result["stdout"] != "from a\n" {
				t.Fatalf("the owner on the other process: %d %v", code, got)
			}
			if code, _, _ := call(t, b, "GET", "/jobs/"+mine["job_id"].(string), bob, ""); code != 404 {
				t.Fatalf("another user on the other process: %d, want 404", code)
			}
			if code, got, _ := call(t, b, "GET", "/jobs/"+anon["job_id"].(string), "", ""); code != 200 || got["status"] != "completed" {
				t.Fatalf("an anonymous job on the other process: %d %v", code, got)
			}
		})
	}
}
