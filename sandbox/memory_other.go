//go:build !linux

package sandbox

import "errors"

// linearMemory is an instance's WebAssembly linear memory, owned by the host.
// Elsewhere than Linux the only mode is RewindCopy: the checkpoint is a copy
// of the memory, and rewinding copies it back and zeroes what grew since.
type linearMemory struct {
	buf   []byte
	size  int
	limit int
	saved []byte
	mode  RewindMode
}

func newLinearMemory(reserve int, _ RewindMode) (*linearMemory, error) {
	return &linearMemory{buf: make([]byte, 0, reserve), limit: reserve, mode: RewindCopy}, nil
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

func rewindModeWorks(mode RewindMode) error {
	if mode == RewindCopy {
		return nil
	}
	return errors.New("only the copy mode is available on this system")
}
