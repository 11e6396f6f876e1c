package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coderemote/coderemote/store"
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

// FuzzSnippetPatch feeds arbitrary bodies to the decoder of PUT
// /snippets/{id}: it answers with a patch that keeps the API's limits or a
// client error, never panics, and never sets a boolean or a required field
// to nothing.
func FuzzSnippetPatch(f *testing.F) {
	for _, seed := range []string{
		`{"title":"t","description":null,"code":"print(1)","language":"python","is_starred":true,"is_public":false}`,
		`{"is_public":"yes"}`, `{"is_public":null}`, `{"is_starred":1}`, `{"code":""}`, `{"title":5}`, `[]`, `null`,
		`{"language":null}`, `{"title":"\ud800"}`, `{"code":"a\u0000b"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var raw map[string]json.RawMessage
		if herr := decodeText(bytes.NewReader(body), snippetBodySize, &raw); herr != nil {
			if herr.Status < 400 || herr.Status >= 500 {
				t.Fatalf("decode error with status %d", herr.Status)
			}
			return
		}
		p, herr := parsePatch(raw)
		if herr != nil {
			if herr.Status < 400 || herr.Status >= 500 {
				t.Fatalf("patch error with status %d", herr.Status)
			}
			return
		}
		for name, f := range map[string]store.Field[bool]{"is_starred": p.IsStarred, "is_public": p.IsPublic} {
			if f.Set && f.Value == nil {
				t.Fatalf("%s set to nothing", name)
			}
		}
		if p.Code.Set && (p.Code.Value == nil || *p.Code.Value == "" || utf8.RuneCountInString(*p.Code.Value) > maxSnippetCode) {
			t.Fatalf("accepted code %v", p.Code.Value)
		}
		if p.Language.Set && p.Language.Value == nil {
			t.Fatal("language set to nothing")
		}
		if p.Title.Set && p.Title.Value != nil && utf8.RuneCountInString(*p.Title.Value) > maxTitle {
			t.Fatal("accepted an over-long title")
		}
	})
}
