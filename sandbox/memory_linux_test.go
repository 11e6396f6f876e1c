package sandbox

import (
	"bytes"
	"fmt"
	"testing"
)

// TestRewindModes: in every mode, a run that writes all over memory (a
// module attribute, a big buffer, memory grown past the checkpoint) leaves
// nothing behind, across re-takes of the checkpoint (a batch of 3).
func TestRewindModes(t *testing.T) {
	for _, mode := range rewindModes(t) {
		t.Run(string(mode), func(t *testing.T) {
			old := snapshotBatch
			snapshotBatch = 3
			in := testInstanceMode(t, mode)
			snapshotBatch = old
			for i := range 8 {
				secret := fmt.Sprintf("M0DE-SECR3T-%d", i)
				for j, code := range []string{
					"import math\nprint(hasattr(math, 'leak'))\nmath.leak = '" + secret + "' * 1000\nbig = bytearray(b'" + secret + "' * 200000)",
					"import math\nprint(hasattr(math, 'leak'))",
				} {
					var out bytes.Buffer
					r := in.begin(code, nil, DefaultOutputLimit, func(_ Stream, b []byte) { out.Write(b) }, nil)
					if end := <-r.done; end.kind != endExit || end.exit != 0 {
						t.Fatalf("run %d.%d ended with %+v: %s", i, j, end, out.String())
					}
					select {
					case <-in.idle:
					case <-in.exited:
						t.Fatalf("the instance exited instead of rewinding after run %d.%d: %v (grown %d MiB)", i, j, in.err, (in.mem.size-in.ckpt.size)>>20)
					}
					if out.String() != "False\n" {
						t.Fatalf("run %d.%d printed %q", i, j, out.String())
					}
					if bytes.Contains(in.mem.buf[:in.mem.size], []byte(secret)) {
						t.Fatalf("after run %d.%d the secret is still in memory", i, j)
					}
				}
			}
			if in.mem.mode != mode {
				t.Fatalf("the instance fell back to %q", in.mem.mode)
			}
		})
	}
}
