package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/sys"
)

// instance is one CPython instance serving exactly one run. It is started
// ahead of its program (warm): the guard initialises and then blocks reading
// the program from stdin.
type instance struct {
	stdin  *stdinPipe
	out    *outputs
	report *reportBuf
	warm   chan struct{} // closed when the guard waits for its program
	done   chan struct{} // closed when the instance has exited
	err    error         // from _start, valid after done
}

func (e *engine) start(ctx context.Context, outputLimit int) *instance {
	in := &instance{
		stdin:  newStdinPipe(),
		out:    &outputs{limit: outputLimit},
		report: &reportBuf{},
		done:   make(chan struct{}),
	}
	in.warm = in.stdin.firstRead
	fsCfg := wazero.NewFSConfig().WithFSMount(e.stdlib, homeMount).(sysfs.FSConfig).
		WithSysFSMount(reportFS{r: in.report}, "/cr")
	cfg := e.baseConfig(e.stdlib).
		WithFSConfig(fsCfg).
		WithArgs("python", "-S", "-B", "-c", "import "+guardModule, e.allowCSV).
		WithStdin(in.stdin).
		WithStdout(streamWriter{in.out, Stdout}).
		WithStderr(streamWriter{in.out, Stderr})
	go func() {
		defer close(in.done)
		defer in.stdin.abort()
		mod, err := e.rt.InstantiateModule(ctx, e.compiled, cfg)
		if mod != nil {
			mod.Close(ctx)
		}
		in.err = err
	}()
	return in
}

// assign hands the instance its program and the start of its input. sink
// receives output as it is written; onWait is called when the program
// blocks on an empty stdin.
func (in *instance) assign(code string, input []byte, sink func(Stream, []byte), onWait func()) {
	in.out.setSink(sink)
	in.stdin.setOnWait(onWait)
	header := []byte(strconv.Itoa(len(code)) + "\n" + code)
	in.stdin.feedHeader(header, input)
}

// result interprets how the instance ended. Call it after done is closed.
func (in *instance) result(elapsed time.Duration) Result {
	r := Result{ExecutionTimeMS: float64(elapsed.Microseconds()) / 1000, SecurityViolations: []Violation{}}
	in.out.mu.Lock()
	r.Truncated = in.out.truncated
	in.out.mu.Unlock()
	exit := exitCode(in.err)
	var rep guardReport
	reported := in.report.decode(&rep) == nil
	switch {
	case r.Truncated:
		r.ExitCode = 1
		r.fail(ErrTypeOutputLimit, "output exceeded the limit of "+formatBytes(in.out.limit))
	case reported && exit == rep.ExitCode:
		rep.apply(&r)
	case exit >= 0:
		// The program ended the interpreter itself (e.g. os._exit) before
		// the guard could report.
		r.ExitCode = exit
		r.Success = exit == 0
	case strings.Contains(trapReason(in.err), "out of bounds memory access"):
		// The WASI build of CPython has a 512 KiB C stack placed first in
		// memory, so deep recursion through C code (lru_cache, sorted with
		// a key, __repr__ of nested objects) traps here instead of raising.
		r.ExitCode = 1
		r.fail("RecursionError", "maximum recursion depth exceeded in C code (the sandbox's interpreter has a 512 KiB C stack)")
	default:
		r.ExitCode = 1
		r.fail(ErrTypeCrash, "the Python interpreter stopped unexpectedly: "+trapReason(in.err))
	}
	return r
}

// exitCode is the guest's exit code, or -1 if it did not exit normally.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return int(exit.ExitCode())
	}
	return -1
}

// trapReason is the first line of a guest trap, without wazero's stack.
func trapReason(err error) string {
	if err == nil {
		return "no error"
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return strings.TrimPrefix(msg, "wasm error: ")
}

func isExit0(err error) bool { return exitCode(err) == 0 }

// guardReport is what guard.py writes to /cr/result.
type guardReport struct {
	ExitCode   int         `json:"exit_code"`
	ErrorType  *string     `json:"error_type"`
	Error      *string     `json:"error"`
	ErrorLine  *int        `json:"error_line"`
	Traceback  *string     `json:"traceback"`
	Violations []Violation `json:"violations"`
}

func (g guardReport) apply(r *Result) {
	r.ExitCode = g.ExitCode
	r.ErrorType, r.Error, r.ErrorLine, r.Traceback = g.ErrorType, g.Error, g.ErrorLine, g.Traceback
	if g.Violations != nil {
		r.SecurityViolations = g.Violations
	}
	r.Success = g.ExitCode == 0 && g.ErrorType == nil
}

// stdinPipe is the guest's stdin: first the program (the header), then the
// program's input as the host feeds it.
type stdinPipe struct {
	mu         sync.Mutex
	cond       *sync.Cond
	buf        []byte
	headerLeft int
	eof        bool
	aborted    bool
	onWait     func()
	waitSent   bool
	firstRead  chan struct{}
	readOnce   sync.Once
}

func newStdinPipe() *stdinPipe {
	p := &stdinPipe{firstRead: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *stdinPipe) Read(b []byte) (int, error) {
	p.readOnce.Do(func() { close(p.firstRead) })
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.buf) == 0 && !p.eof && !p.aborted {
		if p.headerLeft == 0 && p.onWait != nil && !p.waitSent {
			p.waitSent = true
			onWait := p.onWait
			p.mu.Unlock()
			onWait()
			p.mu.Lock()
			continue
		}
		p.cond.Wait()
	}
	if p.aborted {
		return 0, io.ErrClosedPipe
	}
	if len(p.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	p.headerLeft = max(0, p.headerLeft-n)
	p.waitSent = false
	return n, nil
}

// feedHeader queues the program and, after it, the first input, at once, so
// the guest never finds stdin empty between the two.
func (p *stdinPipe) feedHeader(header, input []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.headerLeft = len(header)
	p.buf = append(append(p.buf, header...), input...)
	p.cond.Broadcast()
}

func (p *stdinPipe) feed(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.eof {
		return
	}
	p.buf = append(p.buf, b...)
	p.cond.Broadcast()
}

func (p *stdinPipe) closeInput() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.eof = true
	p.cond.Broadcast()
}

func (p *stdinPipe) abort() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.aborted = true
	p.cond.Broadcast()
}

func (p *stdinPipe) setOnWait(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.onWait = f
}

// outputs counts stdout and stderr together against the limit and passes
// them to the run's sink. When the limit is reached it stops the guest by
// panicking inside the write, which wazero turns into an error from _start.
type outputs struct {
	mu        sync.Mutex
	limit     int
	total     int
	truncated bool
	sink      func(Stream, []byte)
}

var errOutputLimit = errors.New("sandbox: output limit reached")

func (o *outputs) setSink(f func(Stream, []byte)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sink = f
}

type streamWriter struct {
	o      *outputs
	stream Stream
}

func (w streamWriter) Write(p []byte) (int, error) {
	o := w.o
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
		panic(errOutputLimit)
	}
	return len(p), nil
}

// reportBuf receives the guard's report through the file /cr/result.
type reportBuf struct {
	mu   sync.Mutex
	data []byte
}

const maxReport = 4 << 20

func (r *reportBuf) decode(v any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.data) == 0 {
		return errors.New("sandbox: no report")
	}
	return json.Unmarshal(r.data, v)
}

// reportFS is the filesystem mounted at /cr: one write-only file, "result".
type reportFS struct {
	experimentalsys.UnimplementedFS
	r *reportBuf
}

func (f reportFS) OpenFile(path string, flag experimentalsys.Oflag, _ fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	switch path {
	case ".", "":
		return &dirFile{}, 0
	case "result":
		if flag&experimentalsys.O_TRUNC != 0 {
			f.r.mu.Lock()
			f.r.data = f.r.data[:0]
			f.r.mu.Unlock()
		}
		return &reportFile{r: f.r}, 0
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
