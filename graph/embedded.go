package graph

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// Persister keeps the embedded index's nodes across restarts (the store
// implements it).
type Persister interface {
	SaveIndexNode(ctx context.Context, userID, snippetID string, data []byte) error
	DeleteIndexNode(ctx context.Context, userID, snippetID string) error
	LoadIndexNodes(ctx context.Context, each func(userID, snippetID string, data []byte) error) error
}

// ChangeFeed lists the persisted index's changes in order, so that every
// process can follow changes made by the others (the store implements it).
type ChangeFeed interface {
	// IndexChangesSince calls each, in order, for the changes after seq:
	// a saved node's data, or nil for a deleted node.
	IndexChangesSince(ctx context.Context, after int64, each func(seq int64, userID, snippetID string, data []byte) error) error
}

// Embedded is the in-process index: nodes grouped by owner, searched by
// exact cosine similarity, which is the right tool below ~10k vectors per
// owner. It is safe for concurrent use.
type Embedded struct {
	persist Persister
	mu      sync.RWMutex
	byUser  map[string]map[string]Node
}

// NewEmbedded loads the persisted nodes.
func NewEmbedded(ctx context.Context, p Persister) (*Embedded, error) {
	e := &Embedded{persist: p, byUser: map[string]map[string]Node{}}
	err := p.LoadIndexNodes(ctx, func(userID, snippetID string, data []byte) error {
		n, err := decodeNode(data)
		if err != nil {
			return fmt.Errorf("graph: node %s: %w", snippetID, err)
		}
		e.put(n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Embedded) put(n Node) {
	m := e.byUser[n.UserID]
	if m == nil {
		m = map[string]Node{}
		e.byUser[n.UserID] = m
	}
	m[n.SnippetID] = n
}

// Follow applies, until ctx is done, the changes that other processes
// sharing the store have made since seq (the store's sequence number when
// this index was loaded): when wake delivers (a notification that the
// index changed; nil when there are none) and every interval in any case.
// Changes this process made come back too and are applied again, which
// changes nothing.
func (e *Embedded) Follow(ctx context.Context, feed ChangeFeed, seq int64, every time.Duration, wake <-chan struct{}, onError func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
		err := feed.IndexChangesSince(ctx, seq, func(s int64, userID, snippetID string, data []byte) error {
			if err := e.apply(userID, snippetID, data); err != nil {
				return err
			}
			seq = s
			return nil
		})
		if err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
	}
}

// apply takes one change from the feed.
func (e *Embedded) apply(userID, snippetID string, data []byte) error {
	if data == nil {
		e.mu.Lock()
		delete(e.byUser[userID], snippetID)
		e.mu.Unlock()
		return nil
	}
	n, err := decodeNode(data)
	if err != nil {
		return fmt.Errorf("graph: node %s: %w", snippetID, err)
	}
	e.mu.Lock()
	e.put(n)
	e.mu.Unlock()
	return nil
}

// Backend names the index.
func (e *Embedded) Backend() string { return "embedded" }

// Upsert adds or replaces a node.
func (e *Embedded) Upsert(ctx context.Context, n Node) error {
	if err := e.persist.SaveIndexNode(ctx, n.UserID, n.SnippetID, encodeNode(n)); err != nil {
		return fmt.Errorf("graph: save node: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.put(n)
	return nil
}

// Delete removes a node; deleting a missing one is not an error.
func (e *Embedded) Delete(ctx context.Context, userID, snippetID string) error {
	if err := e.persist.DeleteIndexNode(ctx, userID, snippetID); err != nil {
		return fmt.Errorf("graph: delete node: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.byUser[userID], snippetID)
	return nil
}

// Search ranks the owner's nodes by similarity to vector.
func (e *Embedded) Search(_ context.Context, userID string, vector []float32, k int) ([]Result, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return rank(e.byUser[userID], vector, k, ""), nil
}

// Similar ranks the owner's other nodes by similarity to one of theirs.
func (e *Embedded) Similar(_ context.Context, userID, snippetID string, k int) ([]Result, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	src, ok := e.byUser[userID][snippetID]
	if !ok {
		return nil, ErrNotFound
	}
	return rank(e.byUser[userID], src.Embedding, k, snippetID), nil
}

// ByComplexity lists the owner's nodes with a time or space complexity
// (canonical Big-O), most recently updated first.
func (e *Embedded) ByComplexity(_ context.Context, userID, kind, value string, k int) ([]Result, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []Result
	for _, n := range e.byUser[userID] {
		got := n.TimeComplexity
		if kind == "space" {
			got = n.SpaceComplexity
		}
		if got == value {
			out = append(out, Result{Node: n, Score: 1})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].UpdatedAt.Equal(out[j].UpdatedAt) {
			return out[i].UpdatedAt.After(out[j].UpdatedAt)
		}
		return out[i].SnippetID < out[j].SnippetID
	})
	if len(out) > k {
		out = out[:k]
	}
	return out, nil
}

// Count is how many nodes the owner has.
func (e *Embedded) Count(userID string) int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.byUser[userID])
}

func rank(nodes map[string]Node, vector []float32, k int, skip string) []Result {
	out := make([]Result, 0, len(nodes))
	for id, n := range nodes {
		if id == skip || len(n.Embedding) != len(vector) {
			continue
		}
		out = append(out, Result{Node: n, Score: cosine(vector, n.Embedding)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return strings.Compare(out[i].SnippetID, out[j].SnippetID) < 0
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// A persisted node is its JSON, a newline, then the embedding as
// little-endian float32s.
func encodeNode(n Node) []byte {
	b, _ := json.Marshal(n)
	b = append(b, '\n')
	for _, f := range n.Embedding {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	return b
}

func decodeNode(data []byte) (Node, error) {
	var n Node
	i := strings.IndexByte(string(data), '\n')
	if i < 0 {
		return n, fmt.Errorf("no header")
	}
	if err := json.Unmarshal(data[:i], &n); err != nil {
		return n, err
	}
	vec := data[i+1:]
	if len(vec)%4 != 0 {
		return n, fmt.Errorf("embedding of %d bytes", len(vec))
	}
	n.Embedding = make([]float32, len(vec)/4)
	for j := range n.Embedding {
		n.Embedding[j] = math.Float32frombits(binary.LittleEndian.Uint32(vec[4*j:]))
	}
	return n, nil
}
