package server

import (
	"fmt"
	"io"
	"sync"
)

// inputPipe is a program's stdin fed by a client: writes never block, reads
// block until data or Close. It holds at most limit bytes in total.
type inputPipe struct {
	mu      sync.Mutex
	cond    *sync.Cond
	buf     []byte
	written int
	limit   int
	closed  bool
}

func newInputPipe(limit int) *inputPipe {
	p := &inputPipe{limit: limit}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *inputPipe) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, io.ErrClosedPipe
	}
	if p.written+len(b) > p.limit {
		return 0, fmt.Errorf("stdin exceeds the limit of %s", sizeText(p.limit))
	}
	p.written += len(b)
	p.buf = append(p.buf, b...)
	p.cond.Broadcast()
	return len(b), nil
}

func (p *inputPipe) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.buf) == 0 && !p.closed {
		p.cond.Wait()
	}
	if len(p.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	return n, nil
}

// Close ends the input: reads drain what is left, then see EOF.
func (p *inputPipe) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.cond.Broadcast()
	return nil
}
