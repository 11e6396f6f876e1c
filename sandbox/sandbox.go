// Package sandbox runs untrusted Python programs in CPython compiled to
// WebAssembly (WASI) under wazero.
//
// Every run gets a fresh module instance that sees no host directory, socket
// or environment variable: only a read-only standard library containing the
// allowlisted modules, its standard streams, a clock and randomness. A guard
// written in Python checks the program before it runs (see guard.py).
// Instances live in worker processes (the same executable, started with
// workerEnv set) so that a run that overruns its deadline, floods memory or
// crashes the interpreter is stopped by killing its process, without
// instrumenting the guest's code. docs/sandbox.md describes the layers.
package sandbox

import (
	"errors"
	"io"
	"time"
)

// DefaultAllowedModules are the modules a program may import unless the
// operator configures another list: the standard profile.
var DefaultAllowedModules = StandardModules

// Config configures a Pool.
type Config struct {
	// Workers is how many programs run at once, each in its own process.
	Workers int
	// Standby is how many extra worker processes wait ready to replace one
	// that is killed (a program that overran its deadline while computing).
	// Zero means 1; negative means none.
	Standby int
	// QueueSize is how many runs may wait for a worker before Run returns ErrBusy.
	QueueSize int
	// MaxQueueWait bounds how long a run waits for a worker before Run
	// returns ErrQueueTimeout.
	MaxQueueWait time.Duration
	// ClientRuns is how many runs one client (Request.Client) may have
	// running or waiting at once, per unit of its share.
	ClientRuns int
	// ClientBudget is the worker time one client may use per minute, per
	// unit of its share (up to one minute's worth at once).
	ClientBudget time.Duration
	// MemoryLimit caps each program's linear memory, in bytes.
	MemoryLimit int
	// OutputLimit caps stdout plus stderr of one run, in bytes.
	OutputLimit int
	// AllowedModules is the import allowlist.
	AllowedModules []string
	// CacheDir keeps the compiled module and the allowlist's file list
	// between starts. Empty means no cache (every worker compiles, ≈3 s).
	CacheDir string
	// Rewind is how an instance returns to its checkpoint after each run;
	// RewindAuto picks the fastest this host supports.
	Rewind RewindMode
	// Library, if set, is a directory of extra modules, served read-only
	// under its own name in /py/lib/python3.13 (on sys.path, after the
	// standard library's zip), beside the whole standard library rather
	// than what the allowlist needs. It is for running CPython's own tests
	// in the sandbox (make stdlib-tests: Lib/test); a server never sets it.
	Library string
	// Packages, if set, is a directory of unpacked pure-Python packages
	// (an operator's: a course's helper module, sympy, networkx). Its
	// top-level packages and modules join AllowedModules; they are served
	// read-only beside the standard library, compiled to bytecode once
	// (kept in CacheDir), and imported before the checkpoint. NewPool
	// refuses a directory with a compiled extension module in it.
	Packages string
	// Command starts a worker: the path of an executable that calls
	// ServeWorker when IsWorker reports true. Empty means this executable.
	Command string

	// snapshotBatch overrides how many runs an instance serves between
	// re-takes of its checkpoint (tests).
	snapshotBatch int
	// ballast is how many bytes the guard holds at the checkpoint
	// (benchmarks of a larger image).
	ballast int
	// packagesAfterCheckpoint leaves the packages to programs to import
	// (benchmarks of importing them before or after the checkpoint).
	packagesAfterCheckpoint bool
}

// Defaults for Config fields left zero.
const (
	DefaultMemoryLimit = 256 << 20
	DefaultOutputLimit = 1 << 20
	DefaultQueueSize   = 64
	DefaultQueueWait   = 30 * time.Second
	DefaultClientRuns  = 8
	DefaultBudget      = time.Minute
)

func (c Config) withDefaults() Config {
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.Standby == 0 {
		c.Standby = 1
	}
	c.Standby = max(c.Standby, 0)
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.MaxQueueWait <= 0 {
		c.MaxQueueWait = DefaultQueueWait
	}
	if c.ClientRuns <= 0 {
		c.ClientRuns = DefaultClientRuns
	}
	if c.ClientBudget <= 0 {
		c.ClientBudget = DefaultBudget
	}
	if c.MemoryLimit <= 0 {
		c.MemoryLimit = DefaultMemoryLimit
	}
	if c.OutputLimit <= 0 {
		c.OutputLimit = DefaultOutputLimit
	}
	if c.AllowedModules == nil {
		c.AllowedModules = DefaultAllowedModules
	}
	return c
}

// Stream names an output stream.
type Stream string

const (
	Stdout Stream = "stdout"
	Stderr Stream = "stderr"
)

// Request is one program to run.
type Request struct {
	Code    string
	Timeout time.Duration
	// Client says who asked (a user, else a client address). Runs waiting
	// for a worker are served round-robin across clients, and each client
	// is held to Config.ClientRuns and Config.ClientBudget. Empty: a client
	// without limits (the command line, tests).
	Client string
	// Share weighs the client: its turns in the round-robin, its runs and
	// its budget are multiplied by it (0 means 1).
	Share int
	// Group is the client's address: several clients (sessions, users)
	// may share one. Groups are served fairly in worker time before
	// clients are, and a group is held to Config.ClientRuns and
	// Config.ClientBudget times GroupShare. Empty: the client is a group
	// of its own, of weight Share.
	Group string
	// GroupShare weighs the group (0 means 1): the caller grows it with the
	// distinct clients active behind the address, up to a cap.
	GroupShare int
	// Input is the start of the program's standard input, delivered with
	// the program.
	Input []byte
	// Stdin is the rest of the program's standard input, read until EOF or
	// until the run ends. A reader that can block (interactive input) must
	// be closed by the caller after Run returns. Nil means no more input.
	Stdin io.Reader
	// OnStart, if set, is called when a worker takes the run from the queue.
	OnStart func()
	// OnOutput, if set, receives output as the program prints it, in order.
	// It is called from Run's goroutine; data is not retained.
	OnOutput func(stream Stream, data []byte)
	// OnWaitingInput, if set, is called when the program blocks reading an
	// empty stdin (so a user interface can ask for a line).
	OnWaitingInput func()
}

// Violation is one policy violation found before the program ran.
type Violation struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// Result describes a finished run, in the field names of the HTTP API.
type Result struct {
	Success            bool        `json:"success"`
	Stdout             string      `json:"stdout"`
	Stderr             string      `json:"stderr"`
	Error              *string     `json:"error"`
	ErrorType          *string     `json:"error_type"`
	ErrorLine          *int        `json:"error_line"`
	Traceback          *string     `json:"traceback"`
	ExecutionTimeMS    float64     `json:"execution_time_ms"`
	TimedOut           bool        `json:"timed_out"`
	Truncated          bool        `json:"truncated"`
	SecurityViolations []Violation `json:"security_violations"`
	ExitCode           int         `json:"exit_code"`
	// PeakMemoryBytes is the interpreter's memory (WebAssembly linear
	// memory, interpreter included) when the program ended; it only grows
	// during a run. 0 when the run was stopped.
	PeakMemoryBytes int64 `json:"peak_memory_bytes,omitempty"`
	// CPUTimeMS is the CPU time the worker process used for the run.
	CPUTimeMS float64 `json:"cpu_time_ms,omitempty"`
	// PythonVersion is the runtime's version.
	PythonVersion string `json:"python_version,omitempty"`
}

// PythonVersion is the version of CPython in the sandbox's runtime.
const PythonVersion = "3.13.5"

// Error types the sandbox itself assigns (others are Python exception names).
const (
	ErrTypeSecurity    = "SecurityError"
	ErrTypeTimeout     = "TimeoutError"
	ErrTypeMemory      = "MemoryError"
	ErrTypeOutputLimit = "OutputLimitExceeded"
	ErrTypeCancelled   = "Cancelled"
	ErrTypeCrash       = "InterpreterCrash"
)

// ErrBusy means the run queue is full; try again later.
var ErrBusy = errors.New("sandbox: execution queue is full")

// ErrClosed means the pool is shutting down.
var ErrClosed = errors.New("sandbox: pool is closed")

func (r *Result) fail(errType, msg string) {
	r.Success = false
	r.ErrorType = &errType
	r.Error = &msg
}
