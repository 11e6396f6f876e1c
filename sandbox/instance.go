package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/sys"
)

// instance is one CPython instance that serves many runs, one at a time.
//
// It initialises once — the interpreter, the guard and every allowlisted
// module — and the guard then calls fd_datasync, where the host takes a
// checkpoint: the linear memory (see linearMemory), every mutable global and
// a batch of wazero stack snapshots. Each run ends in proc_exit, where the
// host rewinds the instance: it drops what the run wrote to memory, restores
// the globals and resumes one of the snapshots, so that the guard carries on
// from the checkpoint as if nothing had run. docs/sandbox.md has the details.
type instance struct {
	eng     *engine
	mod     api.Module
	mem     *linearMemory
	initOut limitedBuffer // what the guest printed while initialising
	globals []api.MutableGlobal
	files   atomic.Int64  // files the guest holds open on the host
	fds     *fdTable      // touched only on the guest's goroutine
	exited  chan struct{} // closed when the guest's goroutine has returned
	idle    chan struct{} // receives when the guest waits for its next program
	err     error         // how the guest ended, valid after exited
	retired string        // why the host ended it (a retire* reason), valid after exited

	mu      sync.Mutex
	cond    *sync.Cond
	cur     *runState // the run in progress; nil between runs
	closing bool      // the guest ends when it next waits for a program

	// Touched only on the guest's goroutine.
	ckpt          checkpoint
	checkpointing bool // the next fd_datasync takes the checkpoint
}

type checkpoint struct {
	taken   bool
	size    int // memory size at the checkpoint
	files   int64
	globals []uint64
	snaps   []experimental.Snapshot // single use each
}

// snapshotBatch is how many stack snapshots a checkpoint takes. Each is a
// copy of wazero's stack for the instance (≈ 360 KiB once CPython has
// initialised). When the last one is used the guard re-takes the checkpoint,
// which writes the pages the last run changed into the image (see
// linearMemory.checkpoint) and takes a new batch: ≈ 1–2 ms.
var snapshotBatch = 16

// growthSlack is how far a run may leave the memory grown before the
// instance is replaced: the interpreter's allocator does not know of memory
// grown by an earlier run, so that memory is not counted against the next
// run's cap, but it is only tolerated up to here.
const growthSlack = 32 << 20

// WASI error numbers the host functions return.
const (
	wasiErrnoAgain = 6
	wasiErrnoBadf  = 8
	wasiErrnoIO    = 29
)

type endKind int

const (
	endNone endKind = iota
	endExit
	endTimeout
	endCancel
	endOutputLimit
	endCrash
)

type runEnd struct {
	kind endKind
	exit int   // endExit: the guest's exit code
	err  error // endCrash: how the guest died
}

// run is the state of one program on an instance, guarded by instance.mu
// (out and report have their own locks).
type runState struct {
	out        outputs
	report     reportBuf
	stdin      []byte
	headerLeft int
	eof        bool
	onWait     func()
	waitSent   bool
	stop       endKind       // set by instance.stop; the guest ends the run at its next host call
	wake       chan struct{} // closed by stop, interrupts a sleep
	ended      bool
	done       chan runEnd
	memBytes   int // the instance's memory when the program ended (it only grows during a run)
}

type instanceKey struct{}

func instanceFrom(ctx context.Context) *instance {
	in, _ := ctx.Value(instanceKey{}).(*instance)
	return in
}

// newInstance starts an instance. It is ready for a program when idle
// receives; if it dies first, exited is closed.
func (e *engine) newInstance(ctx context.Context) (*instance, error) {
	mem, err := newLinearMemory(e.memLimit+growthSlack, e.rewind)
	if err != nil {
		return nil, err
	}
	mem.limit = e.memLimit // the slack is only for memory earlier runs left grown (rewind)
	in := &instance{eng: e, mem: mem, fds: newFDTable(), exited: make(chan struct{}), idle: make(chan struct{}, 1), checkpointing: true}
	in.cond = sync.NewCond(&in.mu)
	stdlib := countingFS{FS: &sysfs.AdaptFS{FS: e.stdlib}, open: &in.files}
	report := countingFS{FS: reportFS{in: in}, open: &in.files}
	fsCfg := wazero.NewFSConfig().(sysfs.FSConfig).WithSysFSMount(stdlib, homeMount).(sysfs.FSConfig).
		WithSysFSMount(report, "/cr")
	cfg := e.baseConfig(e.stdlib).
		WithFSConfig(fsCfg).
		WithArgs("python", "-S", "-B", "-c", "import "+guardModule, e.allowCSV, strconv.Itoa(e.ballast), e.notPreloaded).
		WithStdin(in).
		WithStdout(streamWriter{in, Stdout}).
		WithStderr(streamWriter{in, Stderr}).
		WithNanosleep(in.sleep)
	ctx = context.WithValue(ctx, instanceKey{}, in)
	ctx = experimental.WithSnapshotter(ctx)
	ctx = experimental.WithMemoryAllocator(ctx, experimental.MemoryAllocatorFunc(func(_, _ uint64) experimental.LinearMemory { return mem }))
	go func() {
		defer close(in.exited)
		mod, err := e.rt.InstantiateModule(ctx, e.compiled, cfg)
		if mod != nil {
			mod.Close(ctx)
		}
		in.err = err
		in.mu.Lock()
		r := in.cur
		in.mu.Unlock()
		if r != nil {
			in.finish(r, runEnd{kind: endCrash, err: err})
		}
	}()
	return in, nil
}

// begin hands the instance its next program and the start of its input.
// sink receives output as it is written; onWait is called when the program
// blocks on an empty stdin. The run's end arrives on the returned run's done.
func (in *instance) begin(code string, input []byte, outputLimit int, sink func(Stream, []byte), onWait func()) *runState {
	header := strconv.Itoa(len(code)) + "\n" + code
	r := &runState{
		out:        outputs{limit: outputLimit, sink: sink},
		stdin:      append([]byte(header), input...),
		headerLeft: len(header),
		onWait:     onWait,
		wake:       make(chan struct{}),
		done:       make(chan runEnd, 1),
	}
	in.mu.Lock()
	in.cur = r
	in.cond.Broadcast()
	in.mu.Unlock()
	return r
}

// close ends an instance that is waiting for a program.
func (in *instance) close() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.closing = true
	in.cond.Broadcast()
}

// feed adds input for the run; closeInput ends it.
func (in *instance) feed(r *runState, b []byte) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if !r.eof {
		r.stdin = append(r.stdin, b...)
		in.cond.Broadcast()
	}
}

func (in *instance) closeInput(r *runState) {
	in.mu.Lock()
	defer in.mu.Unlock()
	r.eof = true
	in.cond.Broadcast()
}

// stop asks the run to end with the given kind. The guest notices at its
// next host call: at once if it is blocked reading stdin or sleeping,
// otherwise when it next writes output or exits. A guest that computes
// without either must be stopped by killing its process (the worker's
// stopGrace).
func (in *instance) stop(r *runState, kind endKind) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if r.ended || r.stop != endNone {
		return
	}
	r.stop = kind
	close(r.wake)
	in.cond.Broadcast()
}

// finish reports the run's end once.
func (in *instance) finish(r *runState, end runEnd) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if r.ended {
		return
	}
	r.ended = true
	if in.cur == r {
		in.cur = nil
	}
	r.done <- end
}

// Read is the guest's stdin: first the program (the header), then the
// program's input as the host feeds it.
func (in *instance) Read(b []byte) (int, error) {
	in.mu.Lock()
	for {
		r := in.cur
		switch {
		case r == nil && in.closing:
			in.mu.Unlock()
			in.retire(retireClosing, 0)
		case r == nil: // between runs: the guest waits for its next program
			select {
			case in.idle <- struct{}{}:
			default:
			}
			in.cond.Wait()
			continue
		case r.stop != endNone:
			in.mu.Unlock()
			in.abort(r)
		case len(r.stdin) > 0:
			n := copy(b, r.stdin)
			r.stdin = r.stdin[n:]
			r.headerLeft = max(0, r.headerLeft-n)
			r.waitSent = false
			in.mu.Unlock()
			return n, nil
		case r.eof:
			in.mu.Unlock()
			return 0, io.EOF
		case r.headerLeft == 0 && r.onWait != nil && !r.waitSent:
			r.waitSent = true
			in.mu.Unlock()
			r.onWait()
			in.mu.Lock()
			continue
		}
		in.cond.Wait()
	}
}

// sleep is the guest's nanosleep (time.sleep): a stop interrupts it.
func (in *instance) sleep(ns int64) {
	in.mu.Lock()
	r := in.cur
	if r == nil { // initialising, before any run
		in.mu.Unlock()
		time.Sleep(time.Duration(ns))
		return
	}
	in.mu.Unlock()
	t := time.NewTimer(time.Duration(ns))
	select {
	case <-t.C:
	case <-r.wake:
		t.Stop()
	}
	in.mu.Lock()
	stopped := r.stop != endNone
	in.mu.Unlock()
	if stopped {
		in.abort(r)
	}
}

// abort ends a stopped run from inside one of the guest's host calls and
// rewinds the instance. It does not return.
func (in *instance) abort(r *runState) {
	in.mu.Lock()
	kind := r.stop
	in.mu.Unlock()
	in.finish(r, runEnd{kind: kind})
	in.rewind()
}

// takeCheckpoint runs on the guest's goroutine inside fd_datasync.
func (in *instance) takeCheckpoint(ctx context.Context, mod api.Module) error {
	if in.globals == nil {
		for _, name := range in.eng.globals {
			g, ok := mod.ExportedGlobal(name).(api.MutableGlobal)
			if !ok {
				return fmt.Errorf("sandbox: the runtime's global %s is not exported as mutable", name)
			}
			in.globals = append(in.globals, g)
		}
	}
	if err := in.mem.checkpoint(); err != nil {
		return err
	}
	c := &in.ckpt
	in.mod = mod
	in.fds.checkpoint()
	c.size, c.files = in.mem.size, in.files.Load()
	c.globals = c.globals[:0]
	for _, g := range in.globals {
		c.globals = append(c.globals, g.Get())
	}
	snapshotter := experimental.GetSnapshotter(ctx)
	c.snaps = c.snaps[:0]
	for range snapshotBatch {
		c.snaps = append(c.snaps, snapshotter.Snapshot())
	}
	c.taken, in.checkpointing = true, false
	return nil
}

// rewind returns the guest to its checkpoint; it runs on the guest's
// goroutine inside a host call and does not return. An instance that cannot
// be rewound cleanly (memory grown too far, a descriptor that will not
// close) exits instead, and its worker replaces it.
func (in *instance) rewind() {
	c := &in.ckpt
	if err := in.fds.rewind(context.Background(), in.mod, in.eng.wasi.fn("fd_close")); err != nil {
		in.err = err
		in.retire(retireDescriptors, 1)
	}
	grown := in.mem.size - c.size
	if grown > growthSlack {
		in.retire(retireGrown, 0)
	}
	if in.files.Load() != c.files {
		in.retire(retireFiles, 0)
	}
	if err := in.mem.rewind(); err != nil {
		in.err = err
		in.retire(retireRewind, 1)
	}
	in.mem.limit = min(in.eng.memLimit+grown, len(in.mem.buf))
	for i, g := range in.globals {
		g.Set(c.globals[i])
	}
	snap := c.snaps[len(c.snaps)-1]
	c.snaps = c.snaps[:len(c.snaps)-1]
	if len(c.snaps) == 0 {
		// The last snapshot: resume it with an error from fd_datasync, on
		// which the guard asks for a new checkpoint.
		in.checkpointing = true
		snap.Restore([]uint64{wasiErrnoAgain})
	}
	snap.Restore([]uint64{0})
}

// Why the host retires an instance instead of rewinding it.
const (
	retireClosing     = "closing"
	retireGrown       = "memory grown past the slack"
	retireFiles       = "files left open"
	retireDescriptors = "descriptor table not restored"
	retireRewind      = "memory rewind failed"
	retireWedged      = "guard exited between runs" // it could not take its next program
)

// retire ends the guest (its worker starts another instance); it does not
// return.
func (in *instance) retire(reason string, code uint32) {
	in.retired = reason
	_ = in.mod.CloseWithExitCode(context.Background(), code)
	panic(sys.NewExitError(code))
}

// procExit replaces WASI's proc_exit: after the checkpoint, a run's end.
func procExit(ctx context.Context, mod api.Module, stack []uint64) {
	code := uint32(stack[0])
	in := instanceFrom(ctx)
	if in == nil || !in.ckpt.taken {
		_ = mod.CloseWithExitCode(ctx, code)
		panic(sys.NewExitError(code))
	}
	in.mu.Lock()
	r := in.cur
	if r != nil {
		r.memBytes = in.mem.size
	}
	in.mu.Unlock()
	if r == nil {
		// The guard ended between runs: it could not read its next program
		// (guardNoProgram) or failed on its way there. Rewinding would only
		// bring it back to the same place: retire the instance instead.
		in.err = fmt.Errorf("sandbox: the guard exited with status %d between runs", code)
		in.retire(retireWedged, code)
	}
	in.finish(r, runEnd{kind: endExit, exit: int(code)})
	in.rewind()
}

// guardNoProgram is the guard's exit status when it cannot read its next
// program (guard.py).
const guardNoProgram = 86

// fdDatasync replaces WASI's fd_datasync, which no program needs (the guest
// has no writable file): the guard calls it to ask for the checkpoint.
func fdDatasync(ctx context.Context, mod api.Module, stack []uint64) {
	in := instanceFrom(ctx)
	if in == nil || !in.checkpointing {
		stack[0] = wasiErrnoBadf
		return
	}
	if err := in.takeCheckpoint(ctx, mod); err != nil {
		in.err = err
		stack[0] = wasiErrnoIO
		return
	}
	stack[0] = 0
}

// result interprets how a run ended.
func (r *runState) result(end runEnd, elapsed, timeout time.Duration) Result {
	res := Result{ExecutionTimeMS: float64(elapsed.Microseconds()) / 1000, SecurityViolations: []Violation{}, PeakMemoryBytes: int64(r.memBytes)}
	r.out.mu.Lock()
	res.Truncated = r.out.truncated
	r.out.mu.Unlock()
	switch end.kind {
	case endTimeout:
		return timedOut(timeout, elapsed)
	case endCancel:
		return stopped(ErrTypeCancelled, "the run was cancelled", elapsed)
	case endOutputLimit:
		res.ExitCode = 1
		res.fail(ErrTypeOutputLimit, "output exceeded the limit of "+formatBytes(r.out.limit))
		return res
	case endCrash:
		return crashResult(res, end.err)
	}
	var rep guardReport
	if r.report.decode(&rep) == nil && end.exit == rep.ExitCode {
		rep.apply(&res)
	} else {
		// The program ended the interpreter itself (e.g. os._exit) before
		// the guard could report.
		res.ExitCode = end.exit
		res.Success = end.exit == 0
	}
	return res
}

func crashResult(res Result, err error) Result {
	res.ExitCode = 1
	reason := trapReason(err)
	if strings.Contains(reason, "out of bounds memory access") || strings.Contains(reason, "stack overflow") {
		// Recursion through C code deep enough to exhaust the interpreter's
		// 8 MiB C stack (the stack is first in memory, so it runs off the
		// bottom) or the WebAssembly call stack.
		res.fail("RecursionError", "maximum recursion depth exceeded in C code (the sandbox's interpreter has an 8 MiB C stack)")
		return res
	}
	res.fail(ErrTypeCrash, "the Python interpreter stopped unexpectedly: "+reason)
	return res
}

// trapReason is the first line of a guest trap, without wazero's stack.
func trapReason(err error) string {
	if err == nil {
		return "no error"
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return strings.TrimPrefix(msg, "wasm error: ")
}

func isExit0(err error) bool {
	var exit *sys.ExitError
	return err == nil || errors.As(err, &exit) && exit.ExitCode() == 0
}

// guardReport is what guard.py writes to /cr/result.
type guardReport struct {
	ExitCode   int         `json:"exit_code"`
	ErrorType  *string     `json:"error_type"`
	Error      *string     `json:"error"`
	ErrorLine  *int        `json:"error_line"`
	Traceback  *string     `json:"traceback"`
	Violations []Violation `json:"violations"`
}

// Bounds on what a report may carry. A program that gets past the guard can
// write the report itself: it may spoil its own result, never grow it.
const (
	maxViolations     = 100
	maxMessageBytes   = 4 << 10
	maxTracebackBytes = 64 << 10
	maxErrorTypeBytes = 100
)

func (g *guardReport) sanitize() {
	if g.ExitCode < 0 || g.ExitCode > 255 { // the guard reports code & 0xff
		g.ExitCode = 1
	}
	if len(g.Violations) > maxViolations {
		g.Violations = g.Violations[:maxViolations]
	}
	for i := range g.Violations {
		v := &g.Violations[i]
		v.Line, v.Column = max(v.Line, 0), max(v.Column, 0)
		v.Message = clip(v.Message, maxMessageBytes)
	}
	if g.ErrorType != nil {
		t := clip(*g.ErrorType, maxErrorTypeBytes)
		g.ErrorType = &t
	}
	if g.Error != nil {
		e := clip(*g.Error, maxMessageBytes)
		g.Error = &e
	}
	if g.ErrorLine != nil && *g.ErrorLine < 0 {
		g.ErrorLine = nil
	}
	if g.Traceback != nil && len(*g.Traceback) > maxTracebackBytes {
		// The end of a traceback says the most: keep it.
		tb := *g.Traceback
		cut := len(tb) - maxTracebackBytes
		for cut < len(tb) && !utf8.RuneStart(tb[cut]) {
			cut++
		}
		tb = fmt.Sprintf("[… %d bytes of traceback cut …]\n", cut) + tb[cut:]
		g.Traceback = &tb
	}
}

// clip cuts s to at most n bytes, at a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func (g guardReport) apply(r *Result) {
	g.sanitize()
	r.ExitCode = g.ExitCode
	r.ErrorType, r.Error, r.ErrorLine, r.Traceback = g.ErrorType, g.Error, g.ErrorLine, g.Traceback
	if g.Violations != nil {
		r.SecurityViolations = g.Violations
	}
	r.Success = g.ExitCode == 0 && g.ErrorType == nil
}

// outputs counts stdout and stderr together against the limit and passes
// them to the run's sink.
type outputs struct {
	mu        sync.Mutex
	limit     int
	total     int
	truncated bool
	sink      func(Stream, []byte)
}

// streamWriter is the guest's stdout or stderr. It ends the run when the
// output limit is reached, or when the run was asked to stop.
type streamWriter struct {
	in     *instance
	stream Stream
}

func (w streamWriter) Write(p []byte) (int, error) {
	in := w.in
	in.mu.Lock()
	r := in.cur
	stopped := r != nil && r.stop != endNone
	in.mu.Unlock()
	if r == nil { // initialising: only a failure prints, kept for the error
		in.initOut.Write(p)
		return len(p), nil
	}
	if stopped {
		in.abort(r)
	}
	o := &r.out
	o.mu.Lock()
	room := o.limit - o.total
	over := len(p) > room
	if over {
		p = p[:room]
		o.truncated = true
	}
	o.total += len(p)
	if len(p) > 0 && o.sink != nil {
		o.sink(w.stream, p)
	}
	o.mu.Unlock()
	if over {
		in.finish(r, runEnd{kind: endOutputLimit})
		in.rewind()
	}
	return len(p), nil
}

// limitedBuffer keeps the first 8 KiB written to it.
type limitedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p[:min(len(p), max(0, 8<<10-len(b.buf)))]...)
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// reportBuf receives the guard's report through the file /cr/result.
type reportBuf struct {
	mu   sync.Mutex
	data []byte
}

const maxReport = 1 << 20

func (r *reportBuf) decode(v any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.data) == 0 {
		return errors.New("sandbox: no report")
	}
	return json.Unmarshal(r.data, v)
}

// countingFS counts the files the guest holds open, so that a run that
// leaves one open (which a rewind cannot close) retires its instance.
type countingFS struct {
	experimentalsys.FS
	open *atomic.Int64
}

func (c countingFS) OpenFile(path string, flag experimentalsys.Oflag, perm fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	f, errno := c.FS.OpenFile(path, flag, perm)
	if errno != 0 {
		return f, errno
	}
	c.open.Add(1)
	return &countedFile{File: f, open: c.open}, 0
}

type countedFile struct {
	experimentalsys.File
	open   *atomic.Int64
	closed atomic.Bool
}

func (f *countedFile) Close() experimentalsys.Errno {
	if f.closed.CompareAndSwap(false, true) {
		f.open.Add(-1)
	}
	return f.File.Close()
}

// reportFS is the filesystem mounted at /cr: one write-only file, "result",
// which belongs to the run in progress.
type reportFS struct {
	experimentalsys.UnimplementedFS
	in *instance
}

func (f reportFS) OpenFile(path string, flag experimentalsys.Oflag, _ fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	switch path {
	case ".", "":
		return &dirFile{}, 0
	case "result":
		f.in.mu.Lock()
		r := f.in.cur
		f.in.mu.Unlock()
		if r == nil {
			return nil, experimentalsys.EACCES
		}
		if flag&experimentalsys.O_TRUNC != 0 {
			r.report.mu.Lock()
			r.report.data = r.report.data[:0]
			r.report.mu.Unlock()
		}
		return &reportFile{r: &r.report}, 0
	}
	return nil, experimentalsys.ENOENT
}

func (f reportFS) Stat(path string) (sys.Stat_t, experimentalsys.Errno) {
	switch path {
	case ".", "":
		return sys.Stat_t{Mode: fs.ModeDir | 0o500, Nlink: 1}, 0
	case "result":
		return sys.Stat_t{Mode: 0o200, Nlink: 1}, 0
	}
	return sys.Stat_t{}, experimentalsys.ENOENT
}

func (f reportFS) Lstat(path string) (sys.Stat_t, experimentalsys.Errno) { return f.Stat(path) }

type dirFile struct {
	experimentalsys.UnimplementedFile
}

func (*dirFile) IsDir() (bool, experimentalsys.Errno) { return true, 0 }
func (*dirFile) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Mode: fs.ModeDir | 0o500, Nlink: 1}, 0
}
func (*dirFile) Readdir(int) ([]experimentalsys.Dirent, experimentalsys.Errno) { return nil, 0 }

type reportFile struct {
	experimentalsys.UnimplementedFile
	r *reportBuf
}

func (f *reportFile) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Mode: 0o200, Nlink: 1}, 0
}

func (f *reportFile) Write(p []byte) (int, experimentalsys.Errno) {
	f.r.mu.Lock()
	defer f.r.mu.Unlock()
	if len(f.r.data)+len(p) > maxReport {
		return 0, experimentalsys.EIO
	}
	f.r.data = append(f.r.data, p...)
	return len(p), 0
}

func formatBytes(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}
