package sandbox

import (
	"bytes"
	"testing"
)

// TestCopyCheckpointFallback: where no memfd can be had, the checkpoint is
// a plain copy, and a rewind still leaves nothing of the run.
func TestCopyCheckpointFallback(t *testing.T) {
	copyCheckpoints = true
	defer func() { copyCheckpoints = false }()
	in := testInstance(t)
	if in.mem.file != nil || in.mem.saved == nil {
		t.Fatal("the checkpoint is not a copy")
	}
	for i, code := range []string{
		"import math\nmath.leak = 'C0PY-SECR3T' * 1000\nbig = bytearray(b'C0PY-SECR3T' * 100000)\nprint(hasattr(math, 'leak'))",
		"import math\nprint(hasattr(math, 'leak'))",
	} {
		var out bytes.Buffer
		r := in.begin(code, nil, DefaultOutputLimit, func(_ Stream, b []byte) { out.Write(b) }, nil)
		if end := <-r.done; end.kind != endExit {
			t.Fatalf("run %d ended with %+v", i, end)
		}
		<-in.idle
		if want := []string{"True\n", "False\n"}[i]; out.String() != want {
			t.Fatalf("run %d printed %q, want %q", i, out.String(), want)
		}
		if bytes.Contains(in.mem.buf[:in.mem.size], []byte("C0PY-SECR3T")) {
			t.Fatalf("after run %d the secret is still in memory", i)
		}
	}
}
