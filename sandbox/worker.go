package sandbox

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// workerEnv marks a process started by a Pool as a worker.
const workerEnv = "CODEREMOTE_SANDBOX_WORKER"

// IsWorker reports whether this process was started by a Pool to be a
// worker; if so, the program's main must call ServeWorker and exit.
func IsWorker() bool { return os.Getenv(workerEnv) == "1" }

// workerConfig is the init frame's payload.
type workerConfig struct {
	CacheDir       string     `json:"cache_dir"`
	AllowedModules []string   `json:"allowed_modules"`
	MemoryLimit    int        `json:"memory_limit"`
	OutputLimit    int        `json:"output_limit"`
	Rewind         RewindMode `json:"rewind"`
	SnapshotBatch  int        `json:"snapshot_batch,omitempty"` // tests: how often the checkpoint is re-taken
	Ballast        int        `json:"ballast,omitempty"`        // benchmarks: bytes the guard holds at the checkpoint
	Library        string     `json:"library,omitempty"`        // Config.Library
	Packages       string     `json:"packages,omitempty"`       // Config.Packages
	// benchmarks: the packages are imported by programs, not before the checkpoint
	PackagesAfterCheckpoint bool `json:"packages_after_checkpoint,omitempty"`
}

// runSpec is a run frame's payload.
type runSpec struct {
	Seq       uint64 `json:"seq"`
	Code      string `json:"code"`
	Input     []byte `json:"input"`
	TimeoutMS int64  `json:"timeout_ms"`
	// StdinClosed says Input is all the input: no stdin frames follow.
	StdinClosed bool `json:"stdin_closed,omitempty"`
}

// flushInterval is how long output may wait in the worker before it is
// sent to the host as one frame.
const flushInterval = 10 * time.Millisecond

// ServeWorker runs the worker side of the protocol on the given streams
// (the process's stdin and stdout) until the host closes them. It returns
// the exit status for the process.
func ServeWorker(in io.Reader, out io.Writer) int {
	ctx := context.Background()
	fw := &frameWriter{w: out}
	frames := make(chan frame, 16)
	r := bufio.NewReader(in)
	first, err := readFrame(r)
	if err != nil || first.typ != frameInit {
		fmt.Fprintln(os.Stderr, "sandbox worker: expected an init frame:", err)
		return 2
	}
	var cfg workerConfig
	if err := json.Unmarshal(first.payload, &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "sandbox worker: bad init frame:", err)
		return 2
	}
	if cfg.SnapshotBatch > 0 {
		snapshotBatch = cfg.SnapshotBatch
	}
	eng, err := newEngine(ctx, cfg.CacheDir, cfg.AllowedModules, cfg.MemoryLimit, cfg.Library, cfg.Packages)
	if err != nil {
		fw.write(frameFatal, []byte(err.Error()))
		return 1
	}
	// Linear memory is mapped outside the Go heap and returned by each
	// rewind; the heap itself holds little beyond the files the instance is
	// served (the snapshot batch). Keep it so.
	debug.SetMemoryLimit(128<<20 + eng.servedBytes())
	if cfg.Rewind != RewindAuto {
		eng.rewind = cfg.Rewind
	}
	eng.ballast = cfg.Ballast
	if cfg.PackagesAfterCheckpoint {
		eng.notPreloaded = strings.Join(eng.packages, ",")
	}
	go func() {
		defer close(frames)
		for {
			f, err := readFrame(r)
			if err != nil {
				return
			}
			frames <- f
		}
	}()
	w := &worker{eng: eng, fw: fw, frames: frames, outputLimit: cfg.OutputLimit}
	return w.serve(ctx)
}

type worker struct {
	eng         *engine
	fw          *frameWriter
	frames      <-chan frame
	outputLimit int
}

func (w *worker) serve(ctx context.Context) int {
	inst := w.newInstance(ctx)
	if inst == nil {
		return 1
	}
	w.fw.write(frameReady)
	for f := range w.frames {
		if f.typ != frameRun {
			continue // input for a run that has ended
		}
		var spec runSpec
		if err := json.Unmarshal(f.payload, &spec); err != nil {
			w.fw.write(frameFatal, []byte("bad run frame: "+err.Error()))
			return 1
		}
		if !w.run(inst, spec) {
			return 0 // stopped by the host, or the host went away
		}
		if inst = w.nextInstance(ctx, inst); inst == nil {
			return 1
		}
		w.fw.write(frameReady)
	}
	return 0
}

// newInstance starts an instance and waits until it waits for its first
// program.
func (w *worker) newInstance(ctx context.Context) *instance {
	inst, err := w.eng.newInstance(ctx)
	if err != nil {
		w.fw.write(frameFatal, []byte(err.Error()))
		return nil
	}
	select {
	case <-inst.idle:
		return inst
	case <-inst.exited:
		msg := fmt.Sprintf("the interpreter exited while starting: %v", inst.err)
		if out := inst.initOut.String(); out != "" {
			msg += ": " + out
		}
		w.fw.write(frameFatal, []byte(msg))
		return nil
	}
}

// nextInstance waits until inst is back at its checkpoint, or replaces it
// if it ended instead (it crashed, or could not be rewound cleanly).
// An instance that is neither back nor gone this long after its run ended
// is stuck (a rewind takes milliseconds): this process ends and the pool
// replaces it.
func (w *worker) nextInstance(ctx context.Context, inst *instance) *instance {
	timer := time.NewTimer(rewindTimeout)
	defer timer.Stop()
	select {
	case <-inst.idle:
		return inst
	case <-inst.exited:
		reason := inst.retired
		if reason == "" {
			reason = "crashed: " + trapReason(inst.err)
		}
		w.fw.write(frameReplaced, []byte(reason))
		debug.FreeOSMemory() // give the old instance's memory back now
		return w.newInstance(ctx)
	case <-timer.C:
		w.fw.write(frameFatal, []byte("the instance did not return to its checkpoint within "+rewindTimeout.String()))
		return nil
	}
}

// rewindTimeout bounds the wait for an instance to be rewound after a run.
const rewindTimeout = 5 * time.Second

// stopGrace is how long a run that was asked to stop may take to reach a
// host call (reading input, sleeping, printing), where the instance ends it
// and rewinds. A run still computing after that is stopped by killing this
// process.
const stopGrace = 25 * time.Millisecond

// run serves one program on inst. It reports false if this process must end:
// the host went away, or the run could only be stopped by killing us.
func (w *worker) run(inst *instance, spec runSpec) bool {
	out := &pendingOutput{fw: w.fw}
	r := inst.begin(spec.Code, spec.Input, w.outputLimit, out.add, func() {
		out.flush()
		w.fw.write(frameWaiting)
	})
	if spec.StdinClosed {
		inst.closeInput(r)
	}
	start := time.Now()
	cpuStart := processCPU()
	timeout := time.Duration(spec.TimeoutMS) * time.Millisecond
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(flushInterval)
	defer tick.Stop()
	var grace <-chan time.Time
	stop := func(kind endKind) {
		if grace == nil {
			inst.stop(r, kind)
			grace = time.After(stopGrace)
		}
	}
	for {
		select {
		case end := <-r.done:
			res := r.result(end, time.Since(start), timeout)
			if cpu := processCPU() - cpuStart; cpu > 0 {
				res.CPUTimeMS = float64(cpu.Microseconds()) / 1000
			}
			res.PythonVersion = PythonVersion
			b, _ := json.Marshal(res)
			out.flushWith(frameDone, b) // the last output and the result in one write
			return true
		case <-deadline.C:
			stop(endTimeout)
		case <-grace:
			out.flush()
			w.fw.write(frameDeadline)
			w.awaitKill()
			return false
		case <-tick.C:
			out.flush()
		case f, ok := <-w.frames:
			if !ok {
				return false
			}
			n, data, ok := splitRunNumber(f.payload)
			if !ok || n != spec.Seq {
				continue
			}
			switch f.typ {
			case frameStdin:
				inst.feed(r, data)
			case frameStdinEOF:
				inst.closeInput(r)
			case frameCancel:
				stop(endCancel)
			}
		}
	}
}

// awaitKill waits for the host to kill this process, or to go away.
func (w *worker) awaitKill() {
	for range w.frames {
	}
}

// pendingOutput collects output between flushes, keeping the order of
// stdout and stderr chunks.
type pendingOutput struct {
	fw      *frameWriter
	flushMu sync.Mutex // keeps concurrent flushes in order
	mu      sync.Mutex
	chunks  []outChunk
	size    int
}

type outChunk struct {
	stream Stream
	data   []byte
}

const flushSize = 32 << 10

func (p *pendingOutput) add(s Stream, b []byte) {
	p.mu.Lock()
	if n := len(p.chunks); n > 0 && p.chunks[n-1].stream == s {
		p.chunks[n-1].data = append(p.chunks[n-1].data, b...)
	} else {
		p.chunks = append(p.chunks, outChunk{s, append([]byte(nil), b...)})
	}
	p.size += len(b)
	full := p.size >= flushSize
	p.mu.Unlock()
	if full {
		p.flush()
	}
}

func (p *pendingOutput) flush() { p.flushWith(0, nil) }

// flushWith sends the pending output, followed by a frame of type typ
// unless typ is 0, in one write.
func (p *pendingOutput) flushWith(typ byte, payload []byte) {
	p.flushMu.Lock()
	defer p.flushMu.Unlock()
	p.mu.Lock()
	chunks := p.chunks
	p.chunks, p.size = nil, 0
	p.mu.Unlock()
	var buf []byte
	for _, c := range chunks {
		t := byte(frameStdout)
		if c.stream == Stderr {
			t = frameStderr
		}
		buf, _ = appendFrame(buf, t, c.data) // a chunk is at most flushSize plus one write
	}
	if typ != 0 {
		buf, _ = appendFrame(buf, typ, payload)
	}
	if len(buf) > 0 {
		p.fw.writeEncoded(buf)
	}
}
