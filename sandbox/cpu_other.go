//go:build !unix

package sandbox

import "time"

// processCPU is not measured here.
func processCPU() time.Duration { return 0 }

// ProcessUsage is what a process has used (not measured here).
type ProcessUsage struct {
	User, System time.Duration
	MinorFaults  int64
}

// Sub is the usage between an earlier reading and this one.
func (u ProcessUsage) Sub(earlier ProcessUsage) ProcessUsage {
	return ProcessUsage{u.User - earlier.User, u.System - earlier.System, u.MinorFaults - earlier.MinorFaults}
}

// Usage is not measured here.
func Usage() ProcessUsage { return ProcessUsage{} }
