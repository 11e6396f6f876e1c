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

// ProcessUsage is what a process has used: CPU time, and the page faults
// behind much of the system part of it (benchmarks report them per run).
type ProcessUsage struct {
	User, System time.Duration
	MinorFaults  int64
}

// Sub is the usage between an earlier reading and this one.
func (u ProcessUsage) Sub(earlier ProcessUsage) ProcessUsage {
	return ProcessUsage{u.User - earlier.User, u.System - earlier.System, u.MinorFaults - earlier.MinorFaults}
}

// Usage reads this process's ProcessUsage.
func Usage() ProcessUsage {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return ProcessUsage{}
	}
	return ProcessUsage{User: time.Duration(ru.Utime.Nano()), System: time.Duration(ru.Stime.Nano()), MinorFaults: ru.Minflt}
}
