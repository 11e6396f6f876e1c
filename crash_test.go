package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/coderemote/coderemote/store"
	"github.com/coderemote/coderemote/store/storetest"
)

func postJSON(t *testing.T, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewBufferString(body))
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
// 201, restarts it, and finds the snippet and its outbox event, on SQLite
// and on PostgreSQL.
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
			db, err := store.Open(context.Background(), dbURL, dataDir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			events, err := db.PendingOutbox(context.Background(), 10)
			if err != nil || len(events) != 1 || events[0].SnippetID != snip["id"] || events[0].Op != store.OpUpsert {
				t.Fatalf("outbox after restart: %+v %v", events, err)
			}
		})
	}
}
