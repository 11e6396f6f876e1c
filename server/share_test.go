package server

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestShares: a visitor shares a program; anyone opens it by its id; the
// page at /s/{id} is the app; bad input is refused with its status.
func TestShares(t *testing.T) {
	forEachBackend(t, Config{UI: fstestUI(), MaxCodeBytes: 1024}, func(t *testing.T, s *Server) {
		code, sh, _ := call(t, s, "POST", "/share", "", `{"code":"print(input())","stdin":"hi"}`)
		if code != 201 || len(sh["id"].(string)) != shareIDLength || sh["url"] != "/s/"+sh["id"].(string) {
			t.Fatalf("share: %d %v", code, sh)
		}
		id := sh["id"].(string)
		code, got, hdr := call(t, s, "GET", "/share/"+id, "", "")
		if code != 200 || got["code"] != "print(input())" || got["stdin"] != "hi" || !strings.Contains(hdr.Get("Cache-Control"), "max-age") {
			t.Fatalf("get: %d %v", code, got)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/s/"+id, nil))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<title>Code Remote</title>") {
			t.Fatalf("page: %d %s", rec.Code, rec.Body.String())
		}
		// A signed-in user's share works the same; ids differ.
		tok := registerUser(t, s, "sharer@example.com")
		if code, other, _ := call(t, s, "POST", "/share", tok, `{"code":"print(1)"}`); code != 201 || other["id"] == id {
			t.Fatalf("user share: %d %v", code, other)
		}
		for _, tc := range []struct {
			method, path, body string
			want               int
		}{
			{"GET", "/share/AAAAAAAAAAAA", "", 404},
			{"GET", "/share/short", "", 404},
			{"GET", "/s/not-an-id", "", 404},
			{"POST", "/share", `{"code":"   "}`, 422},
			{"POST", "/share", `{}`, 422},
			{"POST", "/share", `{"code":"` + strings.Repeat("x", 2000) + `"}`, 413},
			{"POST", "/share", `{"code":"print(1)","stdin":"` + strings.Repeat("x", maxShareStdin+1) + `"}`, 413},
			{"POST", "/share", `{"code":"a\u0000b"}`, 422},
			{"POST", "/share", `{"code":1}`, 400},
		} {
			if code, m, _ := call(t, s, tc.method, tc.path, "", tc.body); code != tc.want {
				t.Errorf("%s %s %.40s: %d %v, want %d", tc.method, tc.path, tc.body, code, m, tc.want)
			}
		}
	})
}

// TestSharesAreRateLimited: sharing counts against the per-address limit
// on requests that write.
func TestSharesAreRateLimited(t *testing.T) {
	forEachBackend(t, Config{WorkRate: 1, WorkBurst: 3}, func(t *testing.T, s *Server) {
		limited := false
		for range 6 {
			if code, _, _ := call(t, s, "POST", "/share", "", `{"code":"print(1)"}`); code == 429 {
				limited = true
			}
		}
		if !limited {
			t.Fatal("six shares in a row were all accepted with a burst of 3")
		}
	})
}

func FuzzShareID(f *testing.F) {
	f.Add("AAAAAAAAAAAA")
	f.Add("../../../etc")
	f.Fuzz(func(t *testing.T, id string) {
		if isShareID(id) && (len(id) != shareIDLength || strings.ContainsAny(id, "/.%")) {
			t.Fatalf("accepted %q", id)
		}
	})
}
