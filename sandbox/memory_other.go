//go:build !linux

package sandbox

// linearMemory is an instance's WebAssembly linear memory, owned by the host.
// Elsewhere than Linux the checkpoint is a copy of the memory, and rewinding
// copies it back and zeroes what grew since (memory_linux.go rewinds in time
// proportional to the pages a run touched instead).
type linearMemory struct {
	buf   []byte
	size  int
	limit int
	saved []byte
}

func newLinearMemory(reserve int) (*linearMemory, error) {
	return &linearMemory{buf: make([]byte, 0, reserve), limit: reserve}, nil
}

func (m *linearMemory) Reallocate(size uint64) []byte {
	if size > uint64(m.limit) || size > uint64(cap(m.buf)) {
		return nil
	}
	m.size = int(size)
	return m.buf[:size:size]
}

func (m *linearMemory) Free() { m.buf, m.saved = nil, nil }

func (m *linearMemory) checkpoint() error {
	m.saved = append(m.saved[:0], m.buf[:m.size]...)
	return nil
}

func (m *linearMemory) rewind() error {
	copy(m.buf, m.saved)
	clear(m.buf[len(m.saved):m.size])
	return nil
}
