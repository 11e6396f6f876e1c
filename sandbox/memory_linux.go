package sandbox

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// linearMemory is an instance's WebAssembly linear memory, owned by the host
// (wazero's experimental.MemoryAllocator): one private anonymous mapping as
// large as the memory can ever grow, whose pages cost nothing until touched.
//
// At the checkpoint the bytes in use become the image, and a rewind returns
// the memory to it; how depends on the mode (see RewindMode):
//
//   - RewindDirty: the image is a copy in a second mapping, and the kernel
//     tracks which pages the guest writes (userfaultfd write-protection in
//     asynchronous mode, read with the PAGEMAP_SCAN ioctl). A rewind copies
//     back only the pages written. Pages that runs keep writing are left
//     unprotected ("hot") and copied back every time, so that a run takes
//     no page fault on them: on a virtual machine a fault can cost 10 µs or
//     more, a 4 KiB copy well under one.
//   - RewindCopy: the image is a copy and a rewind copies all of it back.
//   - RewindCoW: the image is a memfd mapped back over the memory
//     copy-on-write, and a rewind drops every page the run touched
//     (madvise(MADV_DONTNEED)); the next run faults them back in.
//
// In every mode, memory grown since the checkpoint stays part of the
// guest's memory and reads back as zeros.
type linearMemory struct {
	buf   []byte // the whole reservation
	size  int    // the guest's current memory size
	limit int    // Reallocate refuses sizes past this
	image int    // bytes backed by the checkpoint, 0 before it
	mode  RewindMode

	saved []byte // copy, dirty: the image, in a reservation as large as buf

	// dirty
	writes *writeTracker
	hot    []bool // pages left unprotected, copied back at every rewind
	nHot   int

	file *os.File // cow: the image
}

func newLinearMemory(reserve int, mode RewindMode) (*linearMemory, error) {
	buf, err := reserveMemory(reserve)
	if err != nil {
		return nil, fmt.Errorf("sandbox: reserve %d bytes of linear memory: %w", reserve, err)
	}
	return &linearMemory{buf: buf, limit: reserve, mode: mode}, nil
}

func reserveMemory(n int) ([]byte, error) {
	return unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
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
	for _, b := range [][]byte{m.buf, m.saved} {
		if b != nil {
			unix.Munmap(b)
		}
	}
	m.buf, m.saved = nil, nil
	if m.writes != nil {
		m.writes.close()
		m.writes = nil
	}
	if m.file != nil {
		m.file.Close()
		m.file = nil
	}
}

// checkpoint makes the memory's current contents the image that rewind
// returns to. A mode that cannot be set up here falls back to RewindCopy.
func (m *linearMemory) checkpoint() error {
	switch m.mode {
	case RewindDirty:
		if m.writes != nil {
			return m.updateDirty()
		}
		if err := m.startDirty(); err == nil {
			return nil
		}
		m.mode = RewindCopy
	case RewindCoW:
		if m.file != nil && m.size == m.image {
			if err := m.updateCoW(); err == nil {
				return nil
			}
		}
		if err := m.checkpointCoW(); err == nil {
			return nil
		}
		m.mode = RewindCopy
	}
	return m.checkpointCopy()
}

// rewind returns the memory to the checkpoint's contents.
func (m *linearMemory) rewind() error {
	switch m.mode {
	case RewindDirty:
		return m.rewindDirty()
	case RewindCoW:
		if err := unix.Madvise(m.buf[:m.size], unix.MADV_DONTNEED); err != nil {
			return fmt.Errorf("sandbox: rewind memory: %w", err)
		}
		return nil
	}
	copy(m.buf[:m.image], m.saved[:m.image])
	m.zero(m.image, m.size)
	return nil
}

// zero clears buf[from:to], giving its pages back to the kernel.
func (m *linearMemory) zero(from, to int) {
	if from >= to {
		return
	}
	if err := unix.Madvise(m.buf[from:to], unix.MADV_DONTNEED); err != nil {
		clear(m.buf[from:to])
	}
}

func (m *linearMemory) ensureSaved() error {
	if m.saved != nil {
		return nil
	}
	saved, err := reserveMemory(len(m.buf))
	if err != nil {
		return fmt.Errorf("sandbox: checkpoint image: %w", err)
	}
	m.saved = saved
	return nil
}

func (m *linearMemory) checkpointCopy() error {
	if err := m.ensureSaved(); err != nil {
		return err
	}
	copy(m.saved[:m.size], m.buf[:m.size])
	if m.image > m.size {
		clear(m.saved[m.size:m.image])
	}
	m.image = m.size
	return nil
}

// startDirty takes the first checkpoint of RewindDirty: the image is copied
// and the whole reservation write-protected.
func (m *linearMemory) startDirty() error {
	w, err := newWriteTracker(m.buf)
	if err != nil {
		return err
	}
	if err := m.checkpointCopy(); err != nil {
		w.close()
		return err
	}
	if err := w.protect(0, len(m.buf)); err != nil {
		w.close()
		return err
	}
	m.writes = w
	m.hot = make([]bool, len(m.buf)/pageBytes)
	return nil
}

// maxHotFraction bounds the pages left unprotected to this fraction of the
// image: past it, written pages are protected again after the rewind.
const maxHotFraction = 4

// rewindDirty copies back the pages written since the checkpoint (the hot
// pages among them) and gives back those written past the image: the
// allocator the rewind restores does not know of them, so nothing reuses
// them but a later run's growth, and they read back as zeros.
func (m *linearMemory) rewindDirty() error {
	return m.settleWrites(func(lo, hi int) {
		if lo < m.image {
			end := min(hi, m.image)
			copy(m.buf[lo:end], m.saved[lo:end])
		}
		if hi > m.image {
			m.zero(max(lo, m.image), hi)
		}
	})
}

// updateDirty re-takes the checkpoint: the pages written since become part
// of the image.
func (m *linearMemory) updateDirty() error {
	if err := m.settleWrites(func(lo, hi int) { copy(m.saved[lo:hi], m.buf[lo:hi]) }); err != nil {
		return err
	}
	m.image = m.size
	return nil
}

// settleWrites calls restore for each span of pages written since they were
// last protected (hot pages included), then decides each newly written
// page's fate: hot if it lies within the image and there is room, protected
// again otherwise.
func (m *linearMemory) settleWrites(restore func(lo, hi int)) error {
	maxHot := m.image / pageBytes / maxHotFraction
	var reprotect [][2]int
	err := m.writes.written(0, m.size, func(lo, hi int) {
		restore(lo, hi)
		for p := lo / pageBytes; p < hi/pageBytes; p++ {
			switch {
			case m.hot[p]:
			case p*pageBytes < m.image && m.nHot < maxHot:
				m.hot[p] = true
				m.nHot++
			default:
				if n := len(reprotect); n > 0 && reprotect[n-1][1] == p*pageBytes {
					reprotect[n-1][1] += pageBytes
				} else {
					reprotect = append(reprotect, [2]int{p * pageBytes, (p + 1) * pageBytes})
				}
			}
		}
	})
	if err != nil {
		return fmt.Errorf("sandbox: rewind memory: %w", err)
	}
	for _, r := range reprotect {
		if err := m.writes.protect(r[0], r[1]); err != nil {
			return fmt.Errorf("sandbox: rewind memory: %w", err)
		}
	}
	return nil
}

// pageBytes is the host's page size, the unit of write tracking.
var pageBytes = os.Getpagesize()

func (m *linearMemory) checkpointCoW() error {
	n := m.size
	fd, err := unix.MemfdCreate("coderemote-checkpoint", unix.MFD_CLOEXEC)
	if err != nil {
		return err
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

// updateCoW writes the pages that differ from the image into it. Those are
// the mapping's private (copied-on-write) pages, which /proc/self/pagemap
// tells apart from the pages still backed by the image; dropping them after
// the write makes them read back from the updated image.
func (m *linearMemory) updateCoW() error {
	return privatePages(m.buf[:m.image], func(lo, hi int) error {
		span := m.buf[lo:hi]
		if _, err := m.file.WriteAt(span, int64(lo)); err != nil {
			return err
		}
		return unix.Madvise(span, unix.MADV_DONTNEED)
	})
}
