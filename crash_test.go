package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coderemote/coderemote/store"
	"github.com/coderemote/coderemote/store/storetest"
)

func postJSON(t *testing.T, url, token, body string) (int, map[string]any) {
	t.Helper()
	return send(t, "POST", url, token, body)
}

// send makes a JSON request and decodes the JSON answer.
func send(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

// TestSnippetSurvivesSIGKILL kills the server right after a save returns
// 201, restarts it, and finds the snippet, and finds it by search (its
// outbox event survived and was indexed), on SQLite and on PostgreSQL.
func TestSnippetSurvivesSIGKILL(t *testing.T) {
	backends := map[string]string{"sqlite": ""}
	if url := storetest.PostgresURL(t); url != "" {
		backends["postgres"] = url
	}
	for name, dbURL := range backends {
		t.Run(name, func(t *testing.T) {
			dataDir := t.TempDir()
			// No CR_JWT_SECRET: the generated one must survive the restart too.
			env := []string{"CR_DATA_DIR=" + dataDir, "DATABASE_URL=" + dbURL, "CR_WORKERS=1", "CR_JWT_SECRET="}
			cmd, url := startServe(t, env...)
			code, reg := postJSON(t, url+"/auth/register", "", `{"email":"k@example.com","password":"correct horse"}`)
			if code != 201 {
				t.Fatalf("register: %d %v", code, reg)
			}
			code, snip := postJSON(t, url+"/snippets", reg["token"].(string), `{"code":"print('kept')","title":"Survivor"}`)
			if code != 201 {
				t.Fatalf("save: %d %v", code, snip)
			}
			cmd.Process.Kill() // SIGKILL: no shutdown, no flush
			cmd.Wait()

			_, url = startServe(t, env...)
			code, login := postJSON(t, url+"/auth/login", "", `{"email":"k@example.com","password":"correct horse"}`)
			if code != 200 {
				t.Fatalf("login after restart: %d %v", code, login)
			}
			// The token issued before the crash is still valid.
			req, _ := http.NewRequest("GET", url+"/snippets/"+snip["id"].(string), nil)
			req.Header.Set("Authorization", "Bearer "+reg["token"].(string))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			json.NewDecoder(res.Body).Decode(&got)
			res.Body.Close()
			if res.StatusCode != 200 || got["code"] != "print('kept')" || got["title"] != "Survivor" {
				t.Fatalf("after restart: %d %v", res.StatusCode, got)
			}
			// The outbox event written with the snippet survived too: the
			// restarted server's indexer picks it up and search finds it.
			deadline := time.Now().Add(20 * time.Second)
			for {
				req, _ := http.NewRequest("GET", url+"/search?q=survivor", nil)
				req.Header.Set("Authorization", "Bearer "+reg["token"].(string))
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var found map[string]any
				json.NewDecoder(res.Body).Decode(&found)
				res.Body.Close()
				if rs, _ := found["results"].([]any); len(rs) == 1 && rs[0].(map[string]any)["snippet_id"] == snip["id"] {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the snippet saved before the crash never reached search: %v", found)
				}
				time.Sleep(100 * time.Millisecond)
			}
			db, err := store.Open(context.Background(), dbURL, dataDir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// The killed server may have claimed the event: its claim lapses
			// and the new server marks it done.
			for deadline := time.Now().Add(45 * time.Second); ; time.Sleep(200 * time.Millisecond) {
				events, err := db.PendingOutbox(context.Background(), 10)
				if err == nil && len(events) == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("outbox after the indexer ran: %+v %v", events, err)
				}
			}
		})
	}
}
