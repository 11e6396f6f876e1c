package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coderemote/coderemote/complexity"
)

// fakeGemini speaks the Gemini REST shapes the genai SDK uses:
// :generateContent, :streamGenerateContent?alt=sse and :batchEmbedContents.
type fakeGemini struct {
	t        *testing.T
	mu       sync.Mutex
	answer   string        // the model's text (JSON for analyses)
	failures int           // answer 429 this many times first
	delay    time.Duration // before answering
	requests []string      // paths, in order
	bodies   []map[string]any
}

func (f *fakeGemini) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path)
	var body map[string]any
	b, _ := io.ReadAll(r.Body)
	json.Unmarshal(b, &body)
	f.bodies = append(f.bodies, body)
	fail := f.failures > 0
	if fail {
		f.failures--
	}
	answer, delay := f.answer, f.delay
	f.mu.Unlock()
	if r.Header.Get("x-goog-api-key") != "test-key" {
		http.Error(w, `{"error":{"code":403,"message":"bad key","status":"PERMISSION_DENIED"}}`, 403)
		return
	}
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		return
	}
	if fail {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(429)
		io.WriteString(w, `{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}`)
		return
	}
	candidate := func(text string) map[string]any {
		return map[string]any{"candidates": []any{map[string]any{"content": map[string]any{"role": "model",
			"parts": []any{map[string]any{"text": text}}}, "finishReason": "STOP"}}}
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, ":generateContent"):
		json.NewEncoder(w).Encode(candidate(answer))
	case strings.HasSuffix(r.URL.Path, ":streamGenerateContent"):
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; i < len(answer); i += 17 { // cut anywhere, escapes included
			piece, _ := json.Marshal(candidate(answer[i:min(i+17, len(answer))]))
			fmt.Fprintf(w, "data: %s\r\n\r\n", piece)
			w.(http.Flusher).Flush()
		}
	case strings.HasSuffix(r.URL.Path, ":batchEmbedContents"):
		vals := make([]float32, complexity.EmbeddingDimensions)
		vals[0] = 1
		json.NewEncoder(w).Encode(map[string]any{"embeddings": []any{map[string]any{"values": vals}}})
	default:
		http.NotFound(w, r)
	}
}

func newFake(t *testing.T, f *fakeGemini) *Gemini {
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	g, err := NewGemini(context.Background(), GeminiConfig{APIKey: "test-key", BaseURL: srv.URL, Timeout: 3 * time.Second,
		RetryDelay: 10 * time.Millisecond}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

const goodAnswer = `{"algorithm":"binary search","time_complexity":"O(log(n))","space_complexity":"O(1)","narrative":"## Algorithm\n\nBinary search \"halves\" the range: $\\log_2 n$ steps.\n\n## Time Complexity\n\n$O(\\log n)$ — ünïcode ✓\n\n## Space Complexity\n\nConstant."}`

func TestGeminiAnalyze(t *testing.T) {
	f := &fakeGemini{answer: goodAnswer}
	a, err := newFake(t, f).Analyze(context.Background(), "print(1)")
	if err != nil {
		t.Fatal(err)
	}
	if a.Time != "O(log n)" || a.Space != "O(1)" || a.Families[0] != "binary search" || !strings.Contains(a.Narrative, "## Time Complexity") {
		t.Fatalf("got %+v", a)
	}
	body := f.bodies[0]
	gen := body["generationConfig"].(map[string]any)
	if gen["responseMimeType"] != "application/json" || gen["responseSchema"] == nil {
		t.Fatalf("structured output not requested: %v", gen)
	}
	if !strings.Contains(f.requests[0], "/models/gemini-2.5-flash:generateContent") {
		t.Fatalf("path %s", f.requests[0])
	}
}

func TestGeminiStreamsTheNarrative(t *testing.T) {
	f := &fakeGemini{answer: goodAnswer}
	var chunks []string
	a, err := newFake(t, f).AnalyzeStream(context.Background(), "print(1)", func(s string) { chunks = append(chunks, s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 5 || strings.Join(chunks, "") != a.Narrative {
		t.Fatalf("%d chunks %q, narrative %q", len(chunks), strings.Join(chunks, ""), a.Narrative)
	}
	if a.Time != "O(log n)" {
		t.Fatalf("got %+v", a)
	}
}

func TestGeminiRetriesOn429(t *testing.T) {
	f := &fakeGemini{answer: goodAnswer, failures: 2}
	if _, err := newFake(t, f).Analyze(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if len(f.requests) != 3 {
		t.Fatalf("%d requests, want 3 (two 429s, then success)", len(f.requests))
	}
}

func TestGeminiErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    *fakeGemini
		want string
	}{
		{"malformed JSON", &fakeGemini{answer: `{"time_complexity": "O(n)", "narr`}, "not the analysis JSON"},
		{"missing fields", &fakeGemini{answer: `{"narrative":"hi"}`}, "lacks a complexity"},
		{"always 429", &fakeGemini{answer: goodAnswer, failures: 100}, "gemini analyze"},
		{"timeout", &fakeGemini{answer: goodAnswer, delay: 10 * time.Second}, "gemini analyze"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newFake(t, tc.f).Analyze(context.Background(), "x")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestGeminiEmbeddings(t *testing.T) {
	f := &fakeGemini{}
	g := newFake(t, f)
	v, err := g.EmbedQuery(context.Background(), "find an item")
	if err != nil || len(v) != complexity.EmbeddingDimensions {
		t.Fatalf("got %d %v", len(v), err)
	}
	if _, err := g.EmbedDocument(context.Background(), "def f(): pass"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"CODE_RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT"} {
		req := f.bodies[i]["requests"].([]any)[0].(map[string]any)
		if req["taskType"] != want || req["outputDimensionality"] != float64(complexity.EmbeddingDimensions) {
			t.Fatalf("request %d: %v", i, req)
		}
	}
	if !strings.Contains(f.requests[0], "gemini-embedding-001:batchEmbedContents") {
		t.Fatalf("path %s", f.requests[0])
	}
}

func TestNarrativeScanner(t *testing.T) {
	full := `{"time_complexity":"O(n)","narrative":"a\"b\\c\u00e9\n✓"}`
	for size := 1; size < len(full); size++ {
		var n narrativeScanner
		var got strings.Builder
		for i := 0; i < len(full); i += size {
			got.WriteString(n.feed(full[i:min(i+size, len(full))]))
		}
		if got.String() != "a\"b\\cé\n✓" {
			t.Fatalf("pieces of %d: got %q", size, got.String())
		}
	}
}

func FuzzNarrativeScanner(f *testing.F) {
	f.Add(`{"narrative":"x\\u00e9y"}`, 3)
	f.Fuzz(func(t *testing.T, s string, size int) {
		if size <= 0 || size > 64 {
			return
		}
		var n narrativeScanner
		for i := 0; i < len(s); i += size {
			n.feed(s[i:min(i+size, len(s))])
		}
	})
}

// TestGeminiLive runs against the real API when GEMINI_API_KEY is set.
func TestGeminiLive(t *testing.T) {
	key := os.Getenv("GEMINI_API_KEY")
	if key == "" {
		t.Skip("GEMINI_API_KEY is not set")
	}
	g, err := NewGemini(context.Background(), GeminiConfig{APIKey: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := g.Analyze(context.Background(), "def f(a):\n    return sorted(a)")
	if err != nil || a.Time == "" {
		t.Fatalf("got %+v %v", a, err)
	}
	if v, err := g.EmbedQuery(context.Background(), "sort a list"); err != nil || len(v) != complexity.EmbeddingDimensions {
		t.Fatalf("embedding: %d %v", len(v), err)
	}
}
