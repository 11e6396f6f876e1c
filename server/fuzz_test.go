package server

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// FuzzExecuteRequest feeds arbitrary bodies to the decoder and validator of
// POST /execute and the WebSocket execute action: they must answer with a
// valid request or a client error, never panic or accept out-of-range values.
func FuzzExecuteRequest(f *testing.F) {
	for _, seed := range []string{
		`{"code":"print(1)","stdin":"x","timeout_seconds":2.5,"snippet_id":"00000000-0000-4000-8000-000000000000"}`,
		`{"code":""}`, `{"code":5}`, `{"timeout_seconds":1e309}`, `{"code":"x","timeout_seconds":-0}`, `[]`, `null`, `{"code":"\ud800"}`,
		`{"action":"stdin","job_id":"x","data":"y","eof":true}`,
	} {
		f.Add([]byte(seed))
	}
	s := &Server{cfg: Config{MaxCodeBytes: 100, MaxStdinBytes: 50, MaxTimeout: 10 * time.Second}.withDefaults()}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req executeRequest
		if herr := decodeJSON(bytes.NewReader(body), s.requestLimit(), &req); herr != nil {
			if herr.Status != http.StatusBadRequest && herr.Status != http.StatusRequestEntityTooLarge {
				t.Fatalf("decode error with status %d", herr.Status)
			}
		} else if p, herr := s.validate(req); herr == nil {
			if len(p.Code) == 0 || len(p.Code) > 100 || len(p.Stdin) > 50 || p.Timeout <= 0 || p.Timeout > 10*time.Second {
				t.Fatalf("accepted out-of-range request %+v", p)
			}
		} else if herr.Status < 400 || herr.Status >= 500 {
			t.Fatalf("validation error with status %d", herr.Status)
		}
		var msg wsIncoming
		unmarshalStrict(body, &msg)
	})
}
