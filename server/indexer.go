package server

import (
	"context"
	"errors"
	"time"

	"github.com/coderemote/coderemote/analysis"
	"github.com/coderemote/coderemote/complexity"
	"github.com/coderemote/coderemote/graph"
	"github.com/coderemote/coderemote/store"
)

// Outbox is the store's queue of snippet changes for the search index.
type Outbox interface {
	ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]store.OutboxEvent, error)
	MarkOutboxDone(ctx context.Context, id int64) error
	MarkOutboxFailed(ctx context.Context, id int64, msg string, retryAt time.Time) error
	OutboxLag(ctx context.Context) (time.Duration, error)
}

// Index is the search index: graph.Embedded or graph.Neo4j.
type Index interface {
	Backend() string
	Upsert(ctx context.Context, n graph.Node) error
	Delete(ctx context.Context, userID, snippetID string) error
	Search(ctx context.Context, userID string, vector []float32, k int) ([]graph.Result, error)
	ByComplexity(ctx context.Context, userID, kind, value string, k int) ([]graph.Result, error)
}

// Embedder turns text into vectors: analysis.Local, or Gemini's embeddings.
type Embedder interface {
	EmbedDocument(ctx context.Context, text string) ([]float32, error)
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
}

const (
	indexPoll  = 2 * time.Second
	indexBatch = 50
	// indexLease is how long a claimed batch is held: a process killed
	// mid-batch leaves its events to the others after it. Events usually take
	// milliseconds; a batch that takes longer may be indexed twice, which
	// changes nothing.
	indexLease    = 15 * time.Second
	maxIndexRetry = 10 * time.Minute
)

// RunIndexer drains the outbox into the search index until ctx is done:
// every snippet create, update and delete reaches search, in order, at
// least once. Events are idempotent (an upsert reads the snippet as it is
// now; a delete of a missing node is fine), so a crash between indexing and
// marking an event done only repeats it. Failures are retried with
// exponential backoff.
func (s *Server) RunIndexer(ctx context.Context) {
	if s.index == nil || s.store == nil {
		return
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-s.indexKick:
		}
		for s.indexOnce(ctx) == indexBatch {
		}
		timer.Reset(indexPoll)
	}
}

// kickIndexer asks the indexer to look at the outbox now.
func (s *Server) kickIndexer() {
	select {
	case s.indexKick <- struct{}{}:
	default:
	}
}

// indexOnce processes one batch and reports how many events it took.
func (s *Server) indexOnce(ctx context.Context) int {
	events, err := s.store.ClaimOutbox(ctx, indexBatch, indexLease)
	if err != nil {
		s.log.Error("indexer: read outbox", "err", err)
		return 0
	}
	// Several events for one snippet in a batch: the last one decides.
	last := map[string]int{}
	for i, e := range events {
		last[e.SnippetID] = i
	}
	for i, e := range events {
		if last[e.SnippetID] != i {
			s.store.MarkOutboxDone(ctx, e.ID)
			continue
		}
		if err := s.indexEvent(ctx, e); err != nil {
			wait := min(time.Duration(1<<min(e.Attempts, 20))*time.Second, maxIndexRetry)
			s.log.Warn("indexer: event failed", "outbox_id", e.ID, "snippet_id", e.SnippetID, "attempt", e.Attempts+1, "retry_in", wait, "err", err)
			s.store.MarkOutboxFailed(ctx, e.ID, err.Error(), time.Now().Add(wait))
			continue
		}
		s.store.MarkOutboxDone(ctx, e.ID)
	}
	if lag, err := s.store.OutboxLag(ctx); err == nil {
		s.metrics.outboxLag.Set(lag.Seconds())
	}
	return len(events)
}

func (s *Server) indexEvent(ctx context.Context, e store.OutboxEvent) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if e.Op == store.OpDelete {
		return s.index.Delete(ctx, e.UserID, e.SnippetID)
	}
	sn, err := s.snippets.GetSnippet(ctx, e.UserID, e.SnippetID)
	if errors.Is(err, store.ErrNotFound) {
		return s.index.Delete(ctx, e.UserID, e.SnippetID) // deleted since
	}
	if err != nil {
		return err
	}
	vec, err := s.embedder.EmbedDocument(ctx, analysis.DocumentText(deref(sn.Title), deref(sn.Description), sn.Code))
	if err != nil {
		return err
	}
	return s.index.Upsert(ctx, graph.Node{
		SnippetID: sn.ID, UserID: sn.UserID, Title: deref(sn.Title), Language: sn.Language, Description: deref(sn.Description),
		TimeComplexity: complexity.NormalizeBigO(deref(sn.TimeComplexity)), SpaceComplexity: complexity.NormalizeBigO(deref(sn.SpaceComplexity)),
		Embedding: vec, UpdatedAt: sn.UpdatedAt,
	})
}
