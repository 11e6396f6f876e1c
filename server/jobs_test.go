package server

import (
	"strings"
	"testing"
	"time"

	"github.com/coderemote/coderemote/sandbox"
)

// TestJobRegistryIsBoundedInBytes: old results lose their output first; the
// registry keeps their status and the newest output.
func TestJobRegistryIsBoundedInBytes(t *testing.T) {
	j := newJobRegistry(time.Hour, 1000, 1<<20)
	big := strings.Repeat("x", 300<<10)
	for i := range 10 {
		id := "job" + string(rune('a'+i))
		j.add(id, "")
		j.complete(id, ExecutionResult{Result: sandbox.Result{Stdout: big, Success: true}, JobID: id})
	}
	if j.bytes > 1<<20 {
		t.Fatalf("the registry keeps %d bytes of output, over its budget", j.bytes)
	}
	old, ok := j.get("joba", "")
	if !ok || !old.OutputDropped || old.Result.Stdout != "" || !old.Result.Success {
		t.Fatalf("the oldest job: %+v", old)
	}
	recent, _ := j.get("jobj", "")
	if recent.OutputDropped || recent.Result.Stdout != big {
		t.Fatal("the newest job lost its output")
	}
}
