import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { formatBytes, formatDuration, summary } from '../lib/output';
import type { Line } from '../lib/outputBuffer';
import { useIDE } from '../store';
import { InputPrompt } from './InputPrompt';

// LINE is the height of one output line in pixels (.out-line in styles.css).
const LINE = 19;
// OVERSCAN lines are rendered above and below the visible ones.
const OVERSCAN = 30;

// OutputPanel shows the program's output as it arrives, then how it ended.
// The status line stays at the top and the result below the output; the
// output scrolls between them and renders only the lines in view.
export function OutputPanel() {
  const run = useIDE((s) => s.run);
  const clearOutput = useIDE((s) => s.clearOutput);
  const r = run.result;
  const [copied, setCopied] = useState(false);
  return (
    <section className="output" aria-label="Output">
      <header className="output-head">
        <span className={`status status-${statusClass(run)}`} data-testid="run-status">
          {run.status === 'idle' && 'Ready'}
          {run.status === 'queued' && 'Starting…'}
          {run.status === 'running' && (run.waitingInput ? 'Waiting for input' : 'Running…')}
          {run.status === 'done' && (run.requestError ?? (r ? summary(r) : ''))}
        </span>
        {(run.status === 'queued' || run.status === 'running') && run.startedAt !== null && <Timer since={run.startedAt} />}
        {r && (
          <span className="time" data-testid="run-time" title="Wall time">
            {formatDuration(r.execution_time_ms)}
          </span>
        )}
        {r && (
          <span className="time run-facts" data-testid="run-facts">
            {r.cpu_time_ms !== undefined && <span title="CPU time">CPU {formatDuration(r.cpu_time_ms)}</span>}
            {r.peak_memory_bytes !== undefined && <span title="Peak memory of the interpreter (the sandbox's WebAssembly memory)">{formatBytes(r.peak_memory_bytes)}</span>}
            {r.python_version && <span>Python {r.python_version}</span>}
          </span>
        )}
        <span className="spacer" />
        <button
          className="small"
          onClick={() => {
            void navigator.clipboard?.writeText(run.output.text()).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            });
          }}
          disabled={run.output.size === 0}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button className="small" onClick={clearOutput} disabled={run.output.size === 0}>
          Clear
        </button>
      </header>
      <OutputLines />
      {run.waitingInput && <InputPrompt />}
      {r && <ResultDetails />}
      <RunAnnouncer />
    </section>
  );
}

// Timer counts up while a program runs.
function Timer({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(t);
  }, []);
  return (
    <span className="time" data-testid="run-timer">
      {formatDuration(now - since)}
    </span>
  );
}

// OutputLines is the virtualised output: a tall scroll area with only the
// visible lines in it. It follows new output unless the user has scrolled
// up, and follows again once they scroll back to the bottom.
function OutputLines() {
  const output = useIDE((s) => s.run.output);
  const version = useIDE((s) => s.run.outputVersion);
  const idle = useIDE((s) => s.run.status === 'idle');
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const autoTop = useRef(0); // where following last put the scroll position
  const [view, setView] = useState({ top: 0, height: 400 });
  const count = output.lines[output.lines.length - 1].length === 0 ? output.lines.length - 1 : output.lines.length;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (follow.current) {
      el.scrollTop = el.scrollHeight;
      autoTop.current = el.scrollTop;
    }
    setView({ top: el.scrollTop, height: el.clientHeight });
  }, [version, output]);

  useEffect(() => {
    follow.current = true; // a new run starts at its end
  }, [output]);

  const first = Math.max(0, Math.floor(view.top / LINE) - OVERSCAN);
  const last = Math.min(count, Math.ceil((view.top + view.height) / LINE) + OVERSCAN);
  const shown: Line[] = output.lines.slice(first, last);
  return (
    <div
      className="stream"
      ref={box}
      data-testid="output"
      tabIndex={0}
      role="log"
      aria-label="Program output"
      onScroll={(e) => {
        const el = e.currentTarget;
        // Stop following only when the user scrolls up: output arriving
        // while a scroll event is on its way moves the bottom, not them.
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - LINE) follow.current = true;
        else if (el.scrollTop < autoTop.current - 2) follow.current = false;
        setView({ top: el.scrollTop, height: el.clientHeight });
      }}
    >
      {idle && count === 0 ? (
        <span className="hint">Output appears here.</span>
      ) : (
        <div className="out-space" style={{ height: count * LINE }}>
          <div className="out-window" style={{ transform: `translateY(${first * LINE}px)` }}>
            {shown.map((line, i) => (
              <div className="out-line" key={first + i}>
                {line.map((seg, j) => (
                  <span key={j} className={segmentClass(seg)}>
                    {seg.text}
                  </span>
                ))}
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}

function segmentClass(seg: Line[number]): string {
  let c = `chunk-${seg.kind}`;
  if (seg.fg !== undefined) c += ` ansi-${seg.fg}`;
  if (seg.bold) c += ' ansi-bold';
  return c;
}

// RunAnnouncer tells screen readers how a run ended.
function RunAnnouncer() {
  const run = useIDE((s) => s.run);
  const text =
    run.status === 'done' ? `Run ${run.requestError ?? (run.result ? summary(run.result) : 'ended')}` : run.status === 'running' ? 'Running' : '';
  return (
    <div className="sr-only" role="status" aria-live="polite" data-testid="run-announcement">
      {text}
    </div>
  );
}

function statusClass(run: ReturnType<typeof useIDE.getState>['run']): string {
  if (run.status !== 'done') return run.status;
  if (run.requestError) return 'error';
  return run.result?.success ? 'ok' : 'error';
}

function ResultDetails() {
  const r = useIDE((s) => s.run.result)!;
  const overHTTP = useIDE((s) => s.run.transport === 'http');
  const streamedTraceback = useIDE((s) => s.run.output.lines.some((l) => l.some((seg) => seg.kind === 'stderr')));
  return (
    <div className="details">
      {r.truncated && <p className="note">Output was cut off at the server's limit.</p>}
      {overHTTP && r.error_type === 'EOFError' && (
        <p className="note" data-testid="stdin-hint">
          input() ran out of input. Without a live connection the program cannot ask you as it runs: type everything it
          reads, one line per input(), in the Input box before pressing Run.
        </p>
      )}
      {r.security_violations.length > 0 && (
        <div className="error-box" data-testid="violations">
          <strong>Not allowed in this sandbox</strong>
          <ul>
            {r.security_violations.map((v, i) => (
              <li key={i}>
                Line {v.line}, column {v.column}: {v.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {r.error_type && r.security_violations.length === 0 && (
        <div className="error-box" data-testid="error">
          <strong>{r.error_type}</strong>
          {r.error && <span>: {r.error}</span>}
          {r.error_line !== null && <span className="line"> (line {r.error_line})</span>}
          {r.traceback && !streamedTraceback && (
            <details>
              <summary>Traceback</summary>
              <pre>{r.traceback}</pre>
            </details>
          )}
        </div>
      )}
    </div>
  );
}
