package sandbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel interfaces RewindDirty uses: userfaultfd write-protection in
// asynchronous mode (Linux 6.7+: a write to a protected page is let through
// at once and the page marked written, with no handler thread) and the
// PAGEMAP_SCAN ioctl on /proc/self/pagemap, which lists the written pages.
// Numbers from <linux/userfaultfd.h> and <linux/fs.h>.
const (
	uffdAPI                 = 0xAA
	uffdUserModeOnly        = 1
	uffdFeatureWPUnpopulate = 1 << 13 // pages not yet touched count as protected
	uffdFeatureWPAsync      = 1 << 15
	uffdioAPI               = 0xC018AA3F // _IOWR(0xAA, 0x3F, struct uffdio_api)
	uffdioRegister          = 0xC020AA00 // _IOWR(0xAA, 0x00, struct uffdio_register)
	uffdioWriteProtect      = 0xC018AA06 // _IOWR(0xAA, 0x06, struct uffdio_writeprotect)
	uffdRegisterModeWP      = 1 << 1
	uffdWriteProtectModeWP  = 1 << 0

	pagemapScan        = 0xC0606610 // _IOWR('f', 16, struct pm_scan_arg)
	pmScanCheckWPAsync = 1 << 1
	pageIsWritten      = 1 << 1
)

type pmScanArg struct {
	size, flags, start, end, walkEnd, vec, vecLen, maxPages   uint64
	categoryInverted, categoryMask, categoryAnyof, returnMask uint64
}

type pageRegion struct{ start, end, categories uint64 }

// writeTracker tracks the pages of one mapping that are written.
type writeTracker struct {
	base    uintptr
	uffd    int
	pagemap *os.File
	vec     []pageRegion
}

func newWriteTracker(mem []byte) (*writeTracker, error) {
	uffd, err := openUserfaultfd()
	if err != nil {
		return nil, err
	}
	w := &writeTracker{base: uintptr(unsafe.Pointer(unsafe.SliceData(mem))), uffd: uffd, vec: make([]pageRegion, 512)}
	api := [3]uint64{uffdAPI, uffdFeatureWPAsync | uffdFeatureWPUnpopulate, 0}
	if err := ioctlPtr(uffd, uffdioAPI, unsafe.Pointer(&api)); err != nil {
		w.close()
		return nil, fmt.Errorf("userfaultfd features: %w", err)
	}
	reg := [4]uint64{uint64(w.base), uint64(len(mem)), uffdRegisterModeWP, 0}
	if err := ioctlPtr(uffd, uffdioRegister, unsafe.Pointer(&reg)); err != nil {
		w.close()
		return nil, fmt.Errorf("userfaultfd register: %w", err)
	}
	if w.pagemap, err = os.Open("/proc/self/pagemap"); err != nil {
		w.close()
		return nil, err
	}
	// PAGEMAP_SCAN is the newest of the pieces: ask it once.
	if err := w.written(0, pageBytes, func(int, int) {}); err != nil {
		w.close()
		return nil, fmt.Errorf("PAGEMAP_SCAN: %w", err)
	}
	return w, nil
}

func openUserfaultfd() (int, error) {
	// User-mode-only faults are all this needs, and what an unprivileged
	// process may ask for; older kernels know only the plain call.
	for _, flags := range []uintptr{unix.O_CLOEXEC | unix.O_NONBLOCK | uffdUserModeOnly, unix.O_CLOEXEC | unix.O_NONBLOCK} {
		fd, _, errno := unix.Syscall(unix.SYS_USERFAULTFD, flags, 0, 0)
		if errno == 0 {
			return int(fd), nil
		}
		if errno != unix.EINVAL {
			return -1, fmt.Errorf("userfaultfd: %w", errno)
		}
	}
	return -1, errors.New("userfaultfd: not supported")
}

func (w *writeTracker) close() {
	if w.pagemap != nil {
		w.pagemap.Close()
	}
	unix.Close(w.uffd)
}

// protect write-protects [lo, hi) (offsets into the mapping).
func (w *writeTracker) protect(lo, hi int) error {
	arg := [3]uint64{uint64(w.base) + uint64(lo), uint64(hi - lo), uffdWriteProtectModeWP}
	return ioctlPtr(w.uffd, uffdioWriteProtect, unsafe.Pointer(&arg))
}

// written calls fn for each run of pages in [lo, hi) written since they were
// last protected, in order, with offsets into the mapping.
func (w *writeTracker) written(lo, hi int, fn func(lo, hi int)) error {
	start, end := uint64(w.base)+uint64(lo), uint64(w.base)+uint64(hi)
	for start < end {
		arg := pmScanArg{
			size: uint64(unsafe.Sizeof(pmScanArg{})), flags: pmScanCheckWPAsync, start: start, end: end,
			vec: uint64(uintptr(unsafe.Pointer(&w.vec[0]))), vecLen: uint64(len(w.vec)),
			categoryMask: pageIsWritten, returnMask: pageIsWritten,
		}
		n, _, errno := unix.Syscall(unix.SYS_IOCTL, w.pagemap.Fd(), pagemapScan, uintptr(unsafe.Pointer(&arg)))
		if errno != 0 {
			return errno
		}
		for _, r := range w.vec[:n] {
			fn(int(uintptr(r.start)-w.base), int(uintptr(r.end)-w.base))
		}
		if arg.walkEnd <= start {
			return errors.New("PAGEMAP_SCAN made no progress")
		}
		start = arg.walkEnd
	}
	return nil
}

func ioctlPtr(fd int, req uintptr, arg unsafe.Pointer) error {
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg)); errno != 0 {
		return errno
	}
	return nil
}

// dirtyTrackingWorks reports whether this kernel and process can use
// RewindDirty, by tracking a small mapping of their own.
func dirtyTrackingWorks() error {
	mem, err := reserveMemory(4 * pageBytes)
	if err != nil {
		return err
	}
	defer unix.Munmap(mem)
	w, err := newWriteTracker(mem)
	if err != nil {
		return err
	}
	defer w.close()
	if err := w.protect(0, len(mem)); err != nil {
		return fmt.Errorf("userfaultfd write-protect: %w", err)
	}
	mem[2*pageBytes] = 1
	var got [][2]int
	if err := w.written(0, len(mem), func(lo, hi int) { got = append(got, [2]int{lo, hi}) }); err != nil {
		return fmt.Errorf("PAGEMAP_SCAN: %w", err)
	}
	if len(got) != 1 || got[0] != [2]int{2 * pageBytes, 3 * pageBytes} {
		return fmt.Errorf("write tracking saw %v after one write to page 2", got)
	}
	return nil
}

// privatePages calls fn for each run of pages of mem (a private file
// mapping) that were copied on write, read from /proc/self/pagemap.
func privatePages(mem []byte, fn func(lo, hi int) error) error {
	pages := len(mem) / pageBytes
	entries := make([]byte, pages*8)
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	pagemap, err := os.Open("/proc/self/pagemap")
	if err != nil {
		return err
	}
	defer pagemap.Close()
	if _, err := pagemap.ReadAt(entries, int64(addr/uintptr(pageBytes))*8); err != nil {
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
		if err := fn(i*pageBytes, j*pageBytes); err != nil {
			return err
		}
		i = j
	}
	return nil
}

func rewindModeWorks(mode RewindMode) error {
	switch mode {
	case RewindDirty:
		return dirtyTrackingWorks()
	case RewindCoW:
		fd, err := unix.MemfdCreate("coderemote-probe", unix.MFD_CLOEXEC)
		if err != nil {
			return fmt.Errorf("memfd_create: %w", err)
		}
		unix.Close(fd)
	}
	return nil
}
