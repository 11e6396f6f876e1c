package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/coderemote/coderemote/store"
	"github.com/coderemote/coderemote/store/storetest"
)

// TestNotifyReachesListeners: on PostgreSQL a listener hears notifications
// (after its "you may have missed some" call), including those that index
// changes send at commit; on SQLite Listen returns and Notify does nothing.
func TestNotifyReachesListeners(t *testing.T) {
	forEach(t, func(t *testing.T, db *DB) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		got := make(chan [2]string, 16)
		done := make(chan struct{})
		go func() {
			defer close(done)
			db.Listen(ctx, []string{ChannelIndex, ChannelHandoffAck}, func(ch, p string) { got <- [2]string{ch, p} }, func(err error) { t.Error(err) })
		}()
		if !db.Shared() {
			<-done // returns at once
			if err := db.Notify(ctx, ChannelIndex, "x"); err != nil {
				t.Fatal(err)
			}
			if err := db.Handoff(ctx, newID(), []byte("b"), time.Now().Add(time.Minute), ChannelHandoff, "p"); err == nil {
				t.Fatal("a handoff on SQLite was accepted")
			}
			return
		}
		recv := func() [2]string {
			select {
			case n := <-got:
				return n
			case <-time.After(5 * time.Second):
				t.Fatal("no notification")
			}
			return [2]string{}
		}
		// First: one catch-up call per channel.
		first := map[string]bool{}
		for range 2 {
			n := recv()
			if n[1] != "" {
				t.Fatalf("catch-up call with payload %q", n[1])
			}
			first[n[0]] = true
		}
		if !first[ChannelIndex] || !first[ChannelHandoffAck] {
			t.Fatalf("catch-up calls: %v", first)
		}
		if err := db.Notify(ctx, ChannelHandoffAck, "hello"); err != nil {
			t.Fatal(err)
		}
		if n := recv(); n != [2]string{ChannelHandoffAck, "hello"} {
			t.Fatalf("got %v", n)
		}
		u := mustUser(t, db, "notify@example.com")
		if err := db.SaveIndexNode(ctx, u.ID, newID(), []byte("{}")); err != nil {
			t.Fatal(err)
		}
		if n := recv(); n[0] != ChannelIndex {
			t.Fatalf("index change: got %v", n)
		}
		cancel()
		<-done
	})
}

// TestHandoffTakenOnce: of eight processes taking one handoff at once,
// exactly one gets it; an expired handoff is taken by none.
func TestHandoffTakenOnce(t *testing.T) {
	db := backends(t)["postgres"]
	if db == nil {
		t.Skip("needs PostgreSQL")
	}
	ctx := t.Context()
	for round := range 20 {
		id := newID()
		if err := db.Handoff(ctx, id, []byte("body"), time.Now().Add(time.Minute), ChannelHandoff, id); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var winners atomic.Int32
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := db.TakeHandoff(ctx, id)
				switch {
				case err == nil && string(b) == "body":
					winners.Add(1)
				case !errors.Is(err, ErrNotFound):
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n := winners.Load(); n != 1 {
			t.Fatalf("round %d: %d takers got the handoff", round, n)
		}
	}
	id := newID()
	if err := db.Handoff(ctx, id, []byte("late"), time.Now().Add(-time.Second), ChannelHandoff, id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TakeHandoff(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an expired handoff: %v", err)
	}
	if err := db.Handoff(ctx, newID(), []byte("x"), time.Now().Add(time.Minute), ChannelHandoff, "p"); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentMigrations: replicas started at once migrate one fresh
// PostgreSQL database together without failing.
func TestConcurrentMigrations(t *testing.T) {
	url := storetest.PostgresURL(t)
	if url == "" {
		t.Skip("needs PostgreSQL")
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(t.Context(), url, "")
			if err != nil {
				t.Error(err)
				return
			}
			defer db.Close()
			if err := db.Migrate(t.Context()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
