package sandbox

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// The host and its worker processes talk in frames over the worker's
// standard input and output: one type byte, a big-endian uint32 length, and
// the payload. JSON payloads carry settings and reports; output and input
// travel as raw bytes.
const (
	frameInit     = 'i' // host → worker: workerConfig (JSON)
	frameRun      = 'r' // host → worker: runSpec (JSON)
	frameStdin    = 's' // host → worker: 8-byte run number, then input bytes
	frameStdinEOF = 'z' // host → worker: 8-byte run number; the program's stdin is closed
	frameCancel   = 'c' // host → worker: 8-byte run number; stop the run
	frameReady    = 'k' // worker → host: ready for a run (at start, and after each run)
	frameStdout   = 'o' // worker → host: program output
	frameStderr   = 'e' // worker → host: program error output
	frameWaiting  = 'w' // worker → host: the program is blocked reading stdin
	frameDeadline = 't' // worker → host: deadline reached, output flushed: stop me
	frameDone     = 'd' // worker → host: Result (JSON) without stdout/stderr
	frameFatal    = 'f' // worker → host: the worker cannot continue (message)
	frameReplaced = 'x' // worker → host: its instance ended instead of rewinding (reason); a new one starts
)

// maxFrame bounds a frame's payload: programs and outputs are far smaller,
// so anything bigger is a broken peer.
const maxFrame = 16 << 20

var errFrameTooLarge = errors.New("sandbox: frame too large")

type frame struct {
	typ     byte
	payload []byte
}

// readFrame reads one frame. A clean end of stream before a frame is io.EOF.
func readFrame(r *bufio.Reader) (frame, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return frame{}, fmt.Errorf("sandbox: truncated frame header: %w", err)
		}
		return frame{}, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > maxFrame {
		return frame{}, errFrameTooLarge
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return frame{}, fmt.Errorf("sandbox: truncated frame payload: %w", err)
	}
	return frame{typ: hdr[0], payload: payload}, nil
}

// frameWriter serialises frames from several goroutines onto one stream.
type frameWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (fw *frameWriter) write(typ byte, payload ...[]byte) error {
	buf, err := appendFrame(nil, typ, payload...)
	if err != nil {
		return err
	}
	return fw.writeEncoded(buf)
}

// writeEncoded writes frames encoded by appendFrame with one write, so that
// the reader wakes once for all of them.
func (fw *frameWriter) writeEncoded(buf []byte) error {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	_, err := fw.w.Write(buf)
	return err
}

// appendFrame appends one frame, encoded, to buf.
func appendFrame(buf []byte, typ byte, payload ...[]byte) ([]byte, error) {
	n := 0
	for _, p := range payload {
		n += len(p)
	}
	if n > maxFrame {
		return buf, errFrameTooLarge
	}
	buf = append(buf, typ, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(buf[len(buf)-4:], uint32(n))
	for _, p := range payload {
		buf = append(buf, p...)
	}
	return buf, nil
}

func runNumber(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// splitRunNumber separates a stdin frame's run number from its data.
func splitRunNumber(p []byte) (uint64, []byte, bool) {
	if len(p) < 8 {
		return 0, nil, false
	}
	return binary.BigEndian.Uint64(p), p[8:], true
}
