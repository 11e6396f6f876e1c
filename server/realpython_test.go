package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/sandbox/sandboxtest"
)

// TestRealPythonThroughTheServer: the standard profile's acceptance cases
// through POST /execute on the real sandbox, with native CPython 3.13's
// outputs (sandboxtest): the sys.stdin.readline idiom over 10⁵ lines, a
// doctest report, unittest.main() with a failure, the recursion limit's
// edge; and the classic profile still refuses sys.
func TestRealPythonThroughTheServer(t *testing.T) {
	s := New(Config{ExecuteRate: 1 << 20, ExecuteBurst: 1 << 20}, discardLog(), Deps{Runner: sharedPool(t)})
	post := func(code, stdin string) ExecutionResult {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"code": code, "stdin": stdin, "timeout_seconds": 30})
		rec := serve(s, jsonRequest("POST", "/execute", string(body)))
		var res ExecutionResult
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &res) != nil {
			t.Fatalf("POST /execute: %d %s", rec.Code, rec.Body)
		}
		return res
	}

	in, want := sandboxtest.StdinIdiomInput(100000)
	res := post(sandboxtest.StdinIdiomProgram, in)
	if !res.Success || res.Stdout != want {
		t.Fatalf("stdin idiom: %+v", res)
	}

	res = post(sandboxtest.DoctestProgram, "")
	if res.Stdout != sandboxtest.DoctestReport || !res.Success {
		t.Fatalf("doctest: stdout\n%s\nwant\n%s", res.Stdout, sandboxtest.DoctestReport)
	}

	res = post(sandboxtest.UnittestProgram, "")
	got := regexp.MustCompile(`Ran (\d+) tests? in \d+\.\d+s`).ReplaceAllString(res.Stderr, "Ran $1 tests in 0.000s")
	if got != sandboxtest.UnittestReport || res.Success || res.ExitCode != 1 {
		t.Fatalf("unittest: exit %d stderr\n%s\nwant\n%s", res.ExitCode, res.Stderr, sandboxtest.UnittestReport)
	}

	probe := "import sys\nsys.setrecursionlimit(5000)\ndef f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nprint(f(%d))"
	if res := post(fmt.Sprintf(probe, 4998), ""); res.Stdout != "4998\n" {
		t.Fatalf("recursion to the limit: %+v", res)
	}
	if res := post(fmt.Sprintf(probe, 4999), ""); res.ErrorType == nil || *res.ErrorType != "RecursionError" {
		t.Fatalf("recursion past the limit: %+v", res)
	}

	classic := newPool(t, sandbox.Config{Workers: 1, Standby: -1, AllowedModules: sandbox.ClassicModules})
	cs := New(Config{AllowedModules: sandbox.ClassicModules, AllowlistProfile: sandbox.ProfileClassic}, discardLog(), Deps{Runner: classic})
	rec := serve(cs, jsonRequest("POST", "/execute", `{"code":"import sys\nprint(sys.version)"}`))
	if !strings.Contains(rec.Body.String(), "Import of module 'sys' is not allowed") {
		t.Fatalf("classic profile: %s", rec.Body)
	}
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}
