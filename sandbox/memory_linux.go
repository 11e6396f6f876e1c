package sandbox

import (
	"encoding/binary"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// linearMemory is an instance's WebAssembly linear memory, owned by the host
// (wazero's experimental.MemoryAllocator): one private anonymous mapping as
// large as the memory can ever grow, whose pages cost nothing until touched.
//
// At the checkpoint the bytes in use are written to a memfd and mapped back
// over themselves copy-on-write. Rewinding is then one madvise(MADV_DONTNEED)
// over the memory: the pages a run wrote are dropped, so the checkpoint's
// pages read back from the memfd and pages past it read back as zeros. Its
// cost follows the pages the run touched, not the size of the memory.
type linearMemory struct {
	buf   []byte // the whole reservation
	size  int    // the guest's current memory size
	limit int    // Reallocate refuses sizes past this
	image int    // bytes backed by the checkpoint, 0 before it
	file  *os.File
	// saved is the checkpoint as a plain copy, where a memfd cannot be had
	// (a sandboxed kernel, a seccomp policy): rewinding then copies it back.
	saved []byte
}

// copyCheckpoints makes every checkpoint a plain copy (tests of the
// fallback).
var copyCheckpoints = false

func newLinearMemory(reserve int) (*linearMemory, error) {
	buf, err := unix.Mmap(-1, 0, reserve, unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("sandbox: reserve %d bytes of linear memory: %w", reserve, err)
	}
	return &linearMemory{buf: buf, limit: reserve}, nil
}

// Reallocate implements experimental.LinearMemory. The address never changes.
func (m *linearMemory) Reallocate(size uint64) []byte {
	if size > uint64(m.limit) || size > uint64(len(m.buf)) {
		return nil
	}
	m.size = int(size)
	return m.buf[:size:size]
}

// Free implements experimental.LinearMemory.
func (m *linearMemory) Free() {
	if m.buf != nil {
		unix.Munmap(m.buf)
		m.buf = nil
	}
	if m.file != nil {
		m.file.Close()
		m.file = nil
	}
	m.saved = nil
}

// checkpoint makes the memory's current contents the image that rewind
// returns to. When the memory has not grown since the last checkpoint, only
// the pages written since the last rewind are written to the image.
func (m *linearMemory) checkpoint() error {
	if m.file != nil && m.size == m.image {
		if err := m.updateImage(); err == nil {
			return nil
		}
	}
	n := m.size
	fd, err := unix.MemfdCreate("coderemote-checkpoint", unix.MFD_CLOEXEC)
	if err != nil || copyCheckpoints {
		if fd > 0 {
			unix.Close(fd)
		}
		m.saved = append(m.saved[:0], m.buf[:n]...)
		return nil
	}
	f := os.NewFile(uintptr(fd), "coderemote-checkpoint")
	if _, err := f.Write(m.buf[:n]); err != nil {
		f.Close()
		return fmt.Errorf("sandbox: checkpoint image: %w", err)
	}
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(m.buf)))
	_, _, errno := unix.Syscall6(unix.SYS_MMAP, addr, uintptr(n), unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_FIXED, uintptr(fd), 0)
	if errno != 0 {
		f.Close()
		return fmt.Errorf("sandbox: map checkpoint image: %w", errno)
	}
	if m.file != nil {
		m.file.Close()
	}
	m.file, m.image = f, n
	return nil
}

// rewind returns the memory to the checkpoint's contents. Memory grown since
// stays part of the guest's memory, zeroed.
func (m *linearMemory) rewind() error {
	if m.file == nil && m.saved != nil {
		n := copy(m.buf, m.saved)
		if err := unix.Madvise(m.buf[n:m.size], unix.MADV_DONTNEED); n < m.size && err != nil {
			clear(m.buf[n:m.size])
		}
		return nil
	}
	if err := unix.Madvise(m.buf[:m.size], unix.MADV_DONTNEED); err != nil {
		return fmt.Errorf("sandbox: rewind memory: %w", err)
	}
	return nil
}

// updateImage writes the pages that differ from the image into it. Those are
// the mapping's private (copied-on-write) pages, which /proc/self/pagemap
// tells apart from the pages still backed by the image; dropping them after
// the write makes them read back from the updated image.
func (m *linearMemory) updateImage() error {
	page := os.Getpagesize()
	pages := m.image / page
	entries := make([]byte, pages*8)
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(m.buf)))
	pagemap, err := os.Open("/proc/self/pagemap")
	if err != nil {
		return err
	}
	defer pagemap.Close()
	if _, err := pagemap.ReadAt(entries, int64(addr/uintptr(page))*8); err != nil {
		return err
	}
	const present, swapped, fileOrShared = 1 << 63, 1 << 62, 1 << 61
	private := func(i int) bool {
		e := binary.LittleEndian.Uint64(entries[i*8:])
		return e&swapped != 0 || e&present != 0 && e&fileOrShared == 0
	}
	for i := 0; i < pages; {
		if !private(i) {
			i++
			continue
		}
		j := i
		for j < pages && private(j) {
			j++
		}
		span := m.buf[i*page : j*page]
		if _, err := m.file.WriteAt(span, int64(i*page)); err != nil {
			return err
		}
		if err := unix.Madvise(span, unix.MADV_DONTNEED); err != nil {
			return err
		}
		i = j
	}
	return nil
}
