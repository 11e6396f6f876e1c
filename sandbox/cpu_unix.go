//go:build unix

package sandbox

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used (user and system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ProcessUsage is what this process has used: CPU time, and the page
// faults behind the system part of it (benchmarks report them per run).
type ProcessUsage struct {
	User, System time.Duration
	MinorFaults  int64
}

// Usage reads ProcessUsage for this process (self) or for its reaped
// children (the worker processes of a Pool that have exited).
func Usage(children bool) ProcessUsage {
	who := syscall.RUSAGE_SELF
	if children {
		who = syscall.RUSAGE_CHILDREN
	}
	var ru syscall.Rusage
	if syscall.Getrusage(who, &ru) != nil {
		return ProcessUsage{}
	}
	return ProcessUsage{User: time.Duration(ru.Utime.Nano()), System: time.Duration(ru.Stime.Nano()), MinorFaults: ru.Minflt}
}
