package sandbox

import "fmt"

// RewindMode is how an instance's memory returns to its checkpoint after a
// run (docs/sandbox.md compares them).
type RewindMode string

const (
	// RewindAuto picks the fastest mode this host supports: RewindDirty
	// where the kernel can track written pages, RewindCopy elsewhere.
	RewindAuto RewindMode = ""
	// RewindDirty copies back the pages the run wrote, found by the kernel
	// (Linux 6.7+: userfaultfd asynchronous write-protection and the
	// PAGEMAP_SCAN ioctl). Its cost follows the pages written.
	RewindDirty RewindMode = "dirty"
	// RewindCopy copies the whole checkpoint image back. Its cost follows
	// the image's size; it needs nothing of the kernel.
	RewindCopy RewindMode = "copy"
	// RewindCoW maps the image copy-on-write from a memfd and drops the
	// pages a run touched (Linux). Its cost follows the page faults the
	// next run takes, cheap on bare metal, dear on some virtual machines.
	RewindCoW RewindMode = "cow"
)

// ParseRewindMode reads a mode's name ("auto" or empty for RewindAuto).
func ParseRewindMode(s string) (RewindMode, error) {
	switch m := RewindMode(s); m {
	case "auto":
		return RewindAuto, nil
	case RewindAuto, RewindDirty, RewindCopy, RewindCoW:
		return m, nil
	}
	return "", fmt.Errorf("unknown rewind mode %q (want auto, dirty, copy or cow)", s)
}

// ResolveRewindMode is the mode instances on this host use when mode is
// asked for: RewindAuto becomes a concrete mode, and a mode this host
// cannot provide is an error that says why.
func ResolveRewindMode(mode RewindMode) (RewindMode, error) {
	switch mode {
	case RewindAuto:
		if rewindModeWorks(RewindDirty) == nil {
			return RewindDirty, nil
		}
		return RewindCopy, nil
	case RewindDirty, RewindCopy, RewindCoW:
		if err := rewindModeWorks(mode); err != nil {
			return "", fmt.Errorf("sandbox: rewind mode %s: %w", mode, err)
		}
		return mode, nil
	}
	return "", fmt.Errorf("sandbox: unknown rewind mode %q", mode)
}
