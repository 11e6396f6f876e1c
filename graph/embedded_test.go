package graph

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// memPersister is a Persister in memory, standing in for the store.
type memPersister struct {
	mu   sync.Mutex
	data map[string][]byte
}

func (m *memPersister) SaveIndexNode(_ context.Context, u, s string, d []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data[u+"/"+s] = append([]byte(nil), d...)
	return nil
}

func (m *memPersister) DeleteIndexNode(_ context.Context, u, s string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, u+"/"+s)
	return nil
}

func (m *memPersister) LoadIndexNodes(_ context.Context, each func(u, s string, d []byte) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, d := range m.data {
		var u, s string
		fmt.Sscanf(k, "%36s", &u)
		s = k[len(u)+1:]
		if err := each(u, s, d); err != nil {
			return err
		}
	}
	return nil
}

func vec(xs ...float32) []float32 { return xs }

func TestEmbeddedIndex(t *testing.T) {
	ctx := context.Background()
	p := &memPersister{data: map[string][]byte{}}
	e, err := NewEmbedded(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := "aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"
	now := time.Now()
	for _, n := range []Node{
		{SnippetID: "s1", UserID: alice, Title: "binary search", TimeComplexity: "O(log n)", Embedding: vec(1, 0, 0), UpdatedAt: now},
		{SnippetID: "s2", UserID: alice, Title: "bubble sort", TimeComplexity: "O(n^2)", Embedding: vec(0, 1, 0), UpdatedAt: now.Add(time.Second)},
		{SnippetID: "s3", UserID: alice, Title: "insertion sort", TimeComplexity: "O(n^2)", Embedding: vec(0, 0.9, 0.1), UpdatedAt: now.Add(2 * time.Second)},
		{SnippetID: "b1", UserID: bob, Title: "bob's binary search", TimeComplexity: "O(log n)", Embedding: vec(1, 0, 0), UpdatedAt: now},
	} {
		if err := e.Upsert(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	res, _ := e.Search(ctx, alice, vec(1, 0.1, 0), 10)
	if len(res) != 3 || res[0].SnippetID != "s1" {
		t.Fatalf("search: %+v", res)
	}
	for _, r := range res {
		if r.UserID != alice {
			t.Fatalf("another user's node: %+v", r)
		}
	}
	sim, _ := e.Similar(ctx, alice, "s2", 5)
	if len(sim) != 2 || sim[0].SnippetID != "s3" {
		t.Fatalf("similar: %+v", sim)
	}
	if _, err := e.Similar(ctx, alice, "b1", 5); err != ErrNotFound {
		t.Fatalf("similar to bob's: %v", err)
	}
	quad, _ := e.ByComplexity(ctx, alice, "time", "O(n^2)", 10)
	if len(quad) != 2 || quad[0].SnippetID != "s3" {
		t.Fatalf("by complexity: %+v", quad)
	}
	// Upsert replaces, delete removes, and both survive a reload.
	e.Upsert(ctx, Node{SnippetID: "s2", UserID: alice, Title: "bubble sort v2", Embedding: vec(0, 1, 0)})
	e.Delete(ctx, alice, "s3")
	e.Delete(ctx, alice, "missing")
	again, err := NewEmbedded(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if again.Count(alice) != 2 || again.Count(bob) != 1 {
		t.Fatalf("after reload: %d %d", again.Count(alice), again.Count(bob))
	}
	res, _ = again.Search(ctx, alice, vec(0, 1, 0), 1)
	if res[0].Title != "bubble sort v2" || len(res[0].Embedding) != 3 {
		t.Fatalf("reloaded node: %+v", res[0])
	}
}

func FuzzDecodeNode(f *testing.F) {
	f.Add(encodeNode(Node{SnippetID: "s", UserID: "u", Embedding: vec(1, 2)}))
	f.Add([]byte("{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if n, err := decodeNode(data); err == nil {
			if _, err := decodeNode(encodeNode(n)); err != nil {
				t.Fatalf("re-encoding failed: %v", err)
			}
		}
	})
}
