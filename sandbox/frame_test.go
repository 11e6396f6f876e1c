package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

func TestFrameRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	fw := &frameWriter{w: &buf}
	fw.write(frameStdin, runNumber(7), []byte("hello\n"))
	fw.write(frameReady)
	r := bufio.NewReader(&buf)
	f, err := readFrame(r)
	if err != nil || f.typ != frameStdin {
		t.Fatalf("got %v %v", f, err)
	}
	n, data, ok := splitRunNumber(f.payload)
	if !ok || n != 7 || string(data) != "hello\n" {
		t.Fatalf("got %d %q %v", n, data, ok)
	}
	if f, err := readFrame(r); err != nil || f.typ != frameReady || len(f.payload) != 0 {
		t.Fatalf("got %v %v", f, err)
	}
	if _, err := readFrame(r); !errors.Is(err, io.EOF) {
		t.Fatalf("got %v, want io.EOF", err)
	}
}

func TestFrameRejectsOversizedAndTruncated(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
	}{
		{"oversized", []byte{'o', 0xff, 0xff, 0xff, 0xff}},
		{"truncated header", []byte{'o', 0, 0}},
		{"truncated payload", []byte{'o', 0, 0, 0, 9, 'a'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := readFrame(bufio.NewReader(bytes.NewReader(tt.input))); err == nil || errors.Is(err, io.EOF) {
				t.Fatalf("got %v, want a decoding error", err)
			}
		})
	}
}

// FuzzWorkerStream feeds arbitrary bytes to the host's decoding of a
// worker's stream: frames, then the JSON inside done frames. A worker runs
// untrusted code, so its stream must never crash the host.
func FuzzWorkerStream(f *testing.F) {
	var seed bytes.Buffer
	fw := &frameWriter{w: &seed}
	fw.write(frameStdout, []byte("out"))
	b, _ := json.Marshal(Result{Success: true, SecurityViolations: []Violation{{1, 2, "x"}}})
	fw.write(frameDone, b)
	f.Add(seed.Bytes())
	f.Add([]byte{'d', 0, 0, 0, 2, '{', '}'})
	f.Add([]byte{'d', 0, 0, 0, 4, 'n', 'u', 'l', 'l'})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		var c capture
		c.limit = 100
		for {
			fr, err := readFrame(r)
			if err != nil {
				return
			}
			switch fr.typ {
			case frameStdout, frameStderr:
				c.add(fr, nil)
				if c.stdout.Len()+c.stderr.Len() > c.limit {
					t.Fatalf("capture exceeded its limit")
				}
			case frameDone:
				var res Result
				if json.Unmarshal(fr.payload, &res) == nil {
					c.finish(res)
				}
			case frameStdin:
				splitRunNumber(fr.payload)
			}
		}
	})
}
