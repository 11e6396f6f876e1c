package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coderemote/coderemote/llm"
)

// geminiFake answers generateContent and streamGenerateContent with text.
func geminiFake(t *testing.T, status int, text string) *llm.Gemini {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status != 200 {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"code":%d,"message":"down","status":"UNAVAILABLE"}}`, status)
			return
		}
		body, _ := json.Marshal(map[string]any{"candidates": []any{map[string]any{"content": map[string]any{"role": "model",
			"parts": []any{map[string]any{"text": text}}}}}})
		if strings.Contains(r.URL.Path, "stream") {
			fmt.Fprintf(w, "data: %s\n\n", body)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	g, err := llm.NewGemini(context.Background(), llm.GeminiConfig{APIKey: "k", BaseURL: srv.URL, Attempts: 2, RetryDelay: time.Millisecond, Timeout: 5 * time.Second}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestAnalyzeWithGemini(t *testing.T) {
	good := geminiFake(t, 200, `{"algorithm":"sorting","time_complexity":"O(n·log(n))","space_complexity":"O(n)","narrative":"## Algorithm\n\nSorts."}`)
	s := New(Config{}, discardLog(), Deps{Runner: sharedPool(t), Analyzer: good})
	code, m, _ := call(t, s, "POST", "/analyze", "", `{"code":"print(sorted([3,1]))"}`)
	if code != 200 || m["source"] != "gemini" || m["model"] != "gemini-2.5-flash" || m["time_complexity"] != "O(n log n)" {
		t.Fatalf("got %d %v", code, m)
	}
	if _, st, _ := call(t, s, "GET", "/analyze/status", "", ""); st["provider"] != "gemini" {
		t.Fatalf("status %v", st)
	}
	for _, broken := range []*llm.Gemini{geminiFake(t, 503, ""), geminiFake(t, 200, `not json`)} {
		s := New(Config{}, discardLog(), Deps{Runner: sharedPool(t), Analyzer: broken})
		code, m, _ := call(t, s, "POST", "/analyze", "", `{"code":"for i in range(n):\n    pass"}`)
		if code != 200 || m["source"] != "local" || m["time_complexity"] != "O(n)" || !strings.Contains(m["narrative"].(string), "not available") {
			t.Fatalf("fallback: %d %v", code, m)
		}
	}
}
