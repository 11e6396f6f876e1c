package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// TestExamplesRunInTheSandbox: every program in the IDE's Examples menu
// (ui/src/examples.json) runs in the real sandbox, with its input, without
// an error, a refusal or anything on stderr.
func TestExamplesRunInTheSandbox(t *testing.T) {
	data, err := os.ReadFile("../ui/src/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var examples []struct{ ID, Title, Area, Code, Stdin string }
	if err := json.Unmarshal(data, &examples); err != nil {
		t.Fatal(err)
	}
	if len(examples) < 12 {
		t.Fatalf("%d examples, want at least a dozen", len(examples))
	}
	s := newTestServer(t, Config{})
	seen := map[string]bool{}
	for _, ex := range examples {
		t.Run(ex.ID, func(t *testing.T) {
			if ex.ID == "" || seen[ex.ID] || ex.Title == "" || ex.Area == "" {
				t.Fatalf("example %q: needs a unique id, a title and an area", ex.ID)
			}
			seen[ex.ID] = true
			body, _ := json.Marshal(map[string]any{"code": ex.Code, "stdin": ex.Stdin, "timeout_seconds": 10})
			w := httptest.NewRecorder()
			s.ServeHTTP(w, jsonRequest("POST", "/execute", string(body)))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			r := decodeResult(t, w.Body.Bytes())
			if !r.Success || r.Stderr != "" || len(r.SecurityViolations) != 0 || strings.TrimSpace(r.Stdout) == "" {
				t.Fatalf("%s: %s", ex.Title, w.Body)
			}
		})
	}
}
