package server

import (
	"net/http"
	"testing"

	"github.com/coderemote/coderemote/sandbox"
	"github.com/coderemote/coderemote/store/storetest"
)

// TestDescriptorAttacksThroughTheServer: the descriptor attacks of
// sandbox/descriptors_test.go sent to a server on each store backend, with
// one worker so that every later run lands on the attacked instance: the
// next 12 runs print their own output.
func TestDescriptorAttacksThroughTheServer(t *testing.T) {
	attacks := []string{
		"import os\nos.close(0)",
		"import os\nfor fd in range(5):\n    os.close(fd)",
		"import io\nio.open(0).read()",
		"import io\nout = io.open(1, 'w')\nout.write('attacker\\n')",
		"import os\nos.close(1)\nos.close(3)\nfd = os.open('/cr/result', os.O_WRONLY)",
		"import sys\nsys.modules['posix'].close(2)\nraise SystemExit(3)",
	}
	allowed := append(append([]string(nil), sandbox.DefaultAllowedModules...), "os")
	for name, db := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			p := newPool(t, sandbox.Config{Workers: 1, Standby: -1, AllowedModules: allowed})
			s := New(Config{ExecuteRate: 1 << 20, ExecuteBurst: 1 << 20, AllowedModules: allowed}, discardLog(), Deps{Runner: p, Store: db})
			for _, attack := range attacks {
				if code, res, _ := postFrom(s, "203.0.113.7", attack, 5); code != http.StatusOK || res.ErrorType != nil && *res.ErrorType == "SecurityError" {
					t.Fatalf("attack %q: %d %+v", attack, code, res)
				}
				for i := range 12 {
					code, res, _ := postFrom(s, "198.51.100.9", "print(6*7)", 5)
					if code != http.StatusOK || !res.Success || res.Stdout != "42\n" || res.Stderr != "" {
						t.Fatalf("run %d after %q: %d %+v", i, attack, code, res)
					}
				}
			}
			if r := p.Stats().Restarts; r != 0 {
				t.Fatalf("%d worker restarts", r)
			}
		})
	}
}
