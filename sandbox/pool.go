package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// killGrace is how long past its deadline the host waits for a worker's own
// deadline report before killing it anyway.
const killGrace = 150 * time.Millisecond

// startTimeout bounds a worker's start: loading the compiled module from the
// cache takes about half a second, compiling it without a cache a few.
const startTimeout = 2 * time.Minute

// Pool runs programs on worker processes, each keeping one instance that is
// rewound to its checkpoint after every run. At most Workers programs run at
// once; Standby more processes wait ready, so that a worker killed to stop a
// runaway program is replaced at once while its successor starts.
type Pool struct {
	cfg      Config
	packages []string      // top-level names in cfg.Packages
	start    time.Duration // bounds a worker's start (startTimeout, more with packages)
	rewind   RewindMode    // resolved from cfg.Rewind
	log      *slog.Logger
	command  string
	slots    chan struct{} // admitted runs: running plus queued
	queue    *fairQueue    // worker slots, at most Workers runs at once
	clients  *admission
	idle     chan *proc
	shutdown chan struct{}
	seq      atomic.Uint64
	inflight sync.WaitGroup
	running  atomic.Int64
	restarts atomic.Int64
	replaced atomic.Int64 // instances replaced inside their worker
	wedged   atomic.Int64 // of those, the ones that could not take their next run

	mu     sync.Mutex
	closed bool
	procs  map[*proc]struct{}
}

// Stats is a snapshot for metrics and health checks.
type Stats struct {
	Workers  int   // configured
	Ready    int   // idle and warm
	Running  int   // runs on a worker now
	Queued   int   // runs waiting for a worker
	Clients  int   // clients with runs waiting for a worker
	Restarts int64 // workers replaced since start
	// Replaced counts instances a worker replaced instead of rewinding
	// (memory grown too far, a crash, …); Wedged counts those among them
	// whose guard could not take its next program.
	Replaced, Wedged int64
	Rewind           RewindMode
}

// NewPool starts the first worker and waits for it, so that a broken
// runtime or allowlist fails here; the other workers start in the
// background, and Run waits for one to be ready.
func NewPool(cfg Config, log *slog.Logger) (*Pool, error) {
	cfg = cfg.withDefaults()
	command := cfg.Command
	if command == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("sandbox: find own executable: %w", err)
		}
		command = exe
	}
	rewind, err := ResolveRewindMode(cfg.Rewind)
	if err != nil {
		return nil, err
	}
	var packages []string
	start := startTimeout
	if cfg.Packages != "" {
		pkgs, err := loadPackages(cfg.Packages)
		if err != nil {
			return nil, err
		}
		packages = pkgs.names
		// The first worker compiles the packages (≈ 20 ms a file here; once,
		// then cached): give it time for that on a slow machine too.
		start += time.Duration(len(pkgs.sources())) * 100 * time.Millisecond
		cfg.AllowedModules = slices.Clone(cfg.AllowedModules)
		for _, name := range packages {
			if !slices.Contains(cfg.AllowedModules, name) {
				cfg.AllowedModules = append(cfg.AllowedModules, name)
			}
		}
	}
	p := &Pool{
		cfg:      cfg,
		packages: packages,
		start:    start,
		rewind:   rewind,
		log:      log,
		command:  command,
		slots:    make(chan struct{}, cfg.Workers+cfg.QueueSize),
		queue:    newFairQueue(cfg.Workers),
		clients:  newAdmission(cfg.ClientRuns, cfg.ClientBudget),
		idle:     make(chan *proc, cfg.Workers+cfg.Standby),
		shutdown: make(chan struct{}),
		procs:    map[*proc]struct{}{},
	}
	first, err := p.spawn()
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	p.idle <- first
	for range cfg.Workers + cfg.Standby - 1 {
		go p.replenish()
	}
	return p, nil
}

// AllowedModules is the import allowlist the pool's workers apply:
// Config.AllowedModules and the packages' names.
func (p *Pool) AllowedModules() []string { return slices.Clone(p.cfg.AllowedModules) }

// Packages lists the top-level names of the operator's packages
// (Config.Packages), sorted.
func (p *Pool) Packages() []string { return slices.Clone(p.packages) }

// Stats reports the pool's current state.
func (p *Pool) Stats() Stats {
	queued, clients := p.queue.waiting()
	return Stats{
		Workers:  p.cfg.Workers,
		Ready:    len(p.idle),
		Running:  int(p.running.Load()),
		Queued:   queued,
		Clients:  clients,
		Restarts: p.restarts.Load(),
		Replaced: p.replaced.Load(),
		Wedged:   p.wedged.Load(),
		Rewind:   p.rewind,
	}
}

// Run runs one program and returns its result. The error is ErrBusy when
// the queue is full, a *LimitError when the request's client is over its
// limits, ErrQueueTimeout when no worker became free in time, and ErrClosed
// when the pool is shutting down; a program that fails in any way is a
// Result, not an error. Cancelling ctx stops the program and yields a Result
// with error type Cancelled.
func (p *Pool) Run(ctx context.Context, req Request) (Result, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return Result{}, ErrClosed
	}
	p.inflight.Add(1)
	p.mu.Unlock()
	defer p.inflight.Done()
	var held time.Duration // the worker time to charge the client
	if req.Client != "" {
		if err := p.clients.admit(req.Client, req.Share, time.Now()); err != nil {
			return Result{}, err
		}
		defer func() { p.clients.done(req.Client, req.Share, held, time.Now()) }()
		if req.Group != "" {
			group := "group:" + req.Group
			if err := p.clients.admit(group, req.GroupShare, time.Now()); err != nil {
				return Result{}, err
			}
			defer func() { p.clients.done(group, req.GroupShare, held, time.Now()) }()
		}
	}
	select {
	case p.slots <- struct{}{}:
	default:
		return Result{}, ErrBusy
	}
	defer func() { <-p.slots }()
	// MaxQueueWait bounds the whole wait: for a slot, then for a worker.
	deadline := time.Now().Add(p.cfg.MaxQueueWait)
	group, err := p.queue.acquire(ctx, party{client: req.Client, share: req.Share, group: req.Group, groupShare: req.GroupShare}, p.cfg.MaxQueueWait)
	switch {
	case errors.Is(err, ErrQueueTimeout):
		return Result{}, err
	case err != nil:
		return stopped(ErrTypeCancelled, "the run was cancelled before it started", 0), nil
	}
	defer func() { p.queue.release(group, held) }()
	return p.runOnWorker(ctx, req, deadline, &held)
}

// runOnWorker runs req on a ready worker (a second one if the first died
// before it could take the run), and returns the worker to the pool or
// replaces it. held receives the worker time the run used.
func (p *Pool) runOnWorker(ctx context.Context, req Request, deadline time.Time, held *time.Duration) (Result, error) {
	w, err := p.takeWorker(ctx, deadline)
	if err != nil {
		return Result{}, err
	}
	if w == nil {
		return stopped(ErrTypeCancelled, "the run was cancelled before it started", 0), nil
	}
	started := time.Now()
	p.running.Add(1)
	defer p.running.Add(-1)
	if req.OnStart != nil {
		req.OnStart()
	}
	res, end := p.runOn(ctx, w, req)
	if end == notDelivered { // the worker died before it could take the run
		p.replace(w)
		if w, err = p.takeWorker(ctx, deadline); err != nil {
			return Result{}, err
		}
		if w == nil {
			return stopped(ErrTypeCancelled, "the run was cancelled before it started", 0), nil
		}
		res, end = p.runOn(ctx, w, req)
	}
	*held = time.Since(started)
	if end == healthy {
		go p.awaitReady(w)
	} else {
		*held += replacementCharge // its worker must be replaced: charge for that too
		p.replace(w)
	}
	return res, nil
}

// replace kills a worker and starts another in the background.
func (p *Pool) replace(w *proc) {
	p.restarts.Add(1)
	p.retire(w)
	go p.replenish()
}

// workerEnd is how a run left its worker.
type workerEnd int

const (
	healthy      workerEnd = iota // ready for the next run once it says so
	killed                        // stopped, crashed or failed: to be replaced
	notDelivered                  // gone before it could be sent the run
)

// replacementCharge is what a run that had its worker killed pays on top of
// its time: starting a successor costs about that much CPU
// (docs/performance.md).
const replacementCharge = time.Second

// takeWorker waits for a ready worker whose process is alive. It returns
// nil if ctx ends first, ErrQueueTimeout at the deadline, and ErrClosed
// when the pool shuts down.
func (p *Pool) takeWorker(ctx context.Context, deadline time.Time) (*proc, error) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		select {
		case w := <-p.idle:
			select {
			case <-w.exited: // died while idle (killed, out of memory)
				p.replace(w)
				continue
			default:
				return w, nil
			}
		case <-ctx.Done():
			return nil, nil
		case <-timer.C:
			return nil, ErrQueueTimeout
		case <-p.shutdown:
			return nil, ErrClosed
		}
	}
}

// awaitReady returns w to the idle workers once it reports that its
// instance is rewound (or replaced) and ready for the next run. A worker
// that says nothing for readyTimeout after a run (a rewind takes
// milliseconds), or startTimeout once it is starting a new instance, is
// replaced.
func (p *Pool) awaitReady(w *proc) {
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	for {
		select {
		case f, ok := <-w.frames:
			switch {
			case ok && f.typ == frameReady:
				p.idle <- w
				return
			case ok && f.typ == frameReplaced:
				p.instanceReplaced(string(f.payload))
				timer.Reset(p.start)
				continue
			case ok && f.typ == frameFatal:
				p.log.Error("sandbox: worker failed", "error", string(f.payload))
			}
		case <-timer.C:
			p.log.Error("sandbox: worker did not become ready after a run")
		}
		p.replace(w)
		return
	}
}

// readyTimeout bounds the wait for a worker's word after a run: its
// instance rewound (ready) or being replaced.
const readyTimeout = 10 * time.Second

// instanceReplaced counts an instance its worker replaced instead of
// rewinding it.
func (p *Pool) instanceReplaced(reason string) {
	p.replaced.Add(1)
	if reason == retireWedged {
		p.wedged.Add(1)
		p.log.Warn("sandbox: an instance could not take its next run and was replaced", "reason", reason)
	}
}

func (p *Pool) runOn(ctx context.Context, w *proc, req Request) (Result, workerEnd) {
	seq := p.seq.Add(1)
	timeout := req.Timeout
	spec, _ := json.Marshal(runSpec{Seq: seq, Code: req.Code, Input: req.Input, TimeoutMS: timeout.Milliseconds(), StdinClosed: req.Stdin == nil})
	start := time.Now()
	if err := w.fw.write(frameRun, spec); err != nil {
		return stopped(ErrTypeCrash, "the sandbox worker stopped unexpectedly", 0), notDelivered
	}
	if req.Stdin != nil {
		go pumpStdin(w.fw, seq, req.Stdin)
	}
	hard := time.NewTimer(timeout + killGrace)
	defer hard.Stop()
	var out capture
	out.limit = p.cfg.OutputLimit
	done := ctx.Done()
	cancelled := false
	for {
		select {
		case f, ok := <-w.frames:
			if !ok {
				return out.finish(p.lostWorker(time.Since(start))), killed
			}
			switch f.typ {
			case frameStdout, frameStderr:
				out.add(f, req.OnOutput)
			case frameWaiting:
				if req.OnWaitingInput != nil {
					req.OnWaitingInput()
				}
			case frameDeadline:
				if cancelled {
					return out.finish(stopped(ErrTypeCancelled, "the run was cancelled", time.Since(start))), killed
				}
				return out.finish(timedOut(timeout, time.Since(start))), killed
			case frameDone:
				var res Result
				if err := json.Unmarshal(f.payload, &res); err != nil {
					p.log.Error("sandbox: bad report from worker", "error", err)
					return out.finish(stopped(ErrTypeCrash, "the sandbox worker sent a bad report", time.Since(start))), killed
				}
				return out.finish(res), healthy
			case frameFatal:
				p.log.Error("sandbox: worker failed", "error", string(f.payload))
				return out.finish(stopped(ErrTypeCrash, "the sandbox worker failed", time.Since(start))), killed
			}
		case <-hard.C:
			if cancelled {
				return out.finish(stopped(ErrTypeCancelled, "the run was cancelled", time.Since(start))), killed
			}
			return out.finish(timedOut(timeout, time.Since(start))), killed
		case <-done:
			// Ask the worker to stop the run: a program waiting for input or
			// sleeping ends at once and its worker stays; one that computes
			// is killed (frameDeadline, or the timer below).
			done, cancelled = nil, true
			w.fw.write(frameCancel, runNumber(seq))
			hard.Reset(killGrace)
		}
	}
}

// lostWorker is the result of a run whose worker vanished: during shutdown
// that is a cancellation, otherwise the interpreter (or its process) crashed.
func (p *Pool) lostWorker(elapsed time.Duration) Result {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return stopped(ErrTypeCancelled, "the server is shutting down", elapsed)
	}
	return stopped(ErrTypeCrash, "the sandbox worker stopped unexpectedly", elapsed)
}

func stopped(errType, msg string, elapsed time.Duration) Result {
	r := Result{ExecutionTimeMS: float64(elapsed.Microseconds()) / 1000, SecurityViolations: []Violation{}, ExitCode: 1}
	r.fail(errType, msg)
	if errType == ErrTypeCancelled {
		r.ExitCode = 130
	}
	return r
}

func timedOut(timeout, elapsed time.Duration) Result {
	r := stopped(ErrTypeTimeout, "execution exceeded the time limit of "+timeout.String(), elapsed)
	r.TimedOut = true
	r.ExitCode = 124
	return r
}

// capture keeps the output the host has seen, so results of stopped runs
// still carry it.
type capture struct {
	stdout, stderr bytes.Buffer
	limit          int
	truncated      bool
}

func (c *capture) add(f frame, onOutput func(Stream, []byte)) {
	stream, buf := Stdout, &c.stdout
	if f.typ == frameStderr {
		stream, buf = Stderr, &c.stderr
	}
	data := f.payload
	if room := c.limit - c.stdout.Len() - c.stderr.Len(); len(data) > room {
		data, c.truncated = data[:max(room, 0)], true
	}
	buf.Write(data)
	if onOutput != nil && len(data) > 0 {
		onOutput(stream, data)
	}
}

func (c *capture) finish(r Result) Result {
	r.Stdout, r.Stderr = c.stdout.String(), c.stderr.String()
	r.Truncated = r.Truncated || c.truncated
	if r.SecurityViolations == nil {
		r.SecurityViolations = []Violation{}
	}
	return r
}

func pumpStdin(fw *frameWriter, seq uint64, r io.Reader) {
	num := runNumber(seq)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if fw.write(frameStdin, num, buf[:n]) != nil {
				return
			}
		}
		if err != nil {
			fw.write(frameStdinEOF, num)
			return
		}
	}
}

// replenish starts one worker, retrying with backoff, and makes it idle.
func (p *Pool) replenish() {
	backoff := 100 * time.Millisecond
	for {
		select {
		case <-p.shutdown:
			return
		default:
		}
		w, err := p.spawn()
		if err == nil {
			p.idle <- w
			return
		}
		p.log.Error("sandbox: starting a worker failed", "err", err, "retry_in", backoff)
		select {
		case <-time.After(backoff):
		case <-p.shutdown:
			return
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

func (p *Pool) retire(w *proc) {
	w.kill()
	p.mu.Lock()
	delete(p.procs, w)
	p.mu.Unlock()
}

// Close stops accepting runs, lets running ones finish until ctx is done,
// then stops the rest (their results say Cancelled) and all workers.
func (p *Pool) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	close(p.shutdown)
	p.mu.Unlock()
	finished := make(chan struct{})
	go func() { p.inflight.Wait(); close(finished) }()
	var err error
	select {
	case <-finished:
	case <-ctx.Done():
		err = ctx.Err()
	}
	p.mu.Lock()
	procs := make([]*proc, 0, len(p.procs))
	for w := range p.procs {
		procs = append(procs, w)
	}
	p.mu.Unlock()
	for _, w := range procs {
		w.kill()
	}
	<-finished
	return err
}

// proc is one worker process.
type proc struct {
	cmd    *exec.Cmd
	fw     *frameWriter
	frames chan frame
	exited chan struct{}
	once   sync.Once
}

func (p *Pool) spawn() (*proc, error) {
	cmd := exec.Command(p.command)
	cmd.Env = []string{workerEnv + "=1"}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = &logWriter{log: p.log}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", p.command, err)
	}
	w := &proc{cmd: cmd, fw: &frameWriter{w: stdin}, frames: make(chan frame, 64), exited: make(chan struct{})}
	go w.readLoop(bufio.NewReaderSize(stdout, 64<<10))
	p.mu.Lock()
	p.procs[w] = struct{}{}
	p.mu.Unlock()
	init, _ := json.Marshal(workerConfig{
		CacheDir: p.cfg.CacheDir, AllowedModules: p.cfg.AllowedModules,
		MemoryLimit: p.cfg.MemoryLimit, OutputLimit: p.cfg.OutputLimit, SnapshotBatch: p.cfg.snapshotBatch, Ballast: p.cfg.ballast,
		Rewind: p.rewind, Library: p.cfg.Library, Packages: p.cfg.Packages,
		PackagesAfterCheckpoint: p.cfg.packagesAfterCheckpoint,
	})
	if err := w.waitReady(init, p.start); err != nil {
		p.retire(w)
		return nil, err
	}
	return w, nil
}

func (w *proc) waitReady(init []byte, limit time.Duration) error {
	if err := w.fw.write(frameInit, init); err != nil {
		return fmt.Errorf("send init: %w", err)
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case f, ok := <-w.frames:
		switch {
		case !ok:
			return errors.New("worker exited while starting")
		case f.typ == frameFatal:
			return errors.New(string(f.payload))
		case f.typ != frameReady:
			return fmt.Errorf("worker sent frame %q before ready", f.typ)
		}
		return nil
	case <-timer.C:
		return errors.New("worker did not become ready in time")
	}
}

func (w *proc) readLoop(r *bufio.Reader) {
	defer func() {
		close(w.frames)
		w.cmd.Wait()
		close(w.exited)
	}()
	for {
		f, err := readFrame(r)
		if err != nil {
			return
		}
		w.frames <- f
	}
}

// kill stops the process and waits for it to be reaped.
func (w *proc) kill() {
	w.once.Do(func() {
		w.cmd.Process.Kill()
		go func() {
			for range w.frames { // let readLoop reach EOF and reap
			}
		}()
	})
	<-w.exited
}

// logWriter turns a worker's stderr into log records, one per line.
type logWriter struct {
	log *slog.Logger
	mu  sync.Mutex
	buf []byte
}

func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.log.Warn("sandbox worker", "line", string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	if len(l.buf) > 4096 {
		l.log.Warn("sandbox worker", "line", string(l.buf))
		l.buf = l.buf[:0]
	}
	return len(p), nil
}
