import { useEffect, useRef } from 'react';
import { formatDuration, summary } from '../lib/output';
import { useIDE } from '../store';
import { InputPrompt } from './InputPrompt';

// OutputPanel shows the program's output as it arrives, then how it ended.
export function OutputPanel() {
  const run = useIDE((s) => s.run);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' });
  }, [run.chunks, run.waitingInput]);
  const r = run.result;
  return (
    <section className="output" aria-label="Output">
      <header className="output-head">
        <span className={`status status-${statusClass(run)}`} data-testid="run-status">
          {run.status === 'idle' && 'Ready'}
          {run.status === 'queued' && 'Starting…'}
          {run.status === 'running' && (run.waitingInput ? 'Waiting for input' : 'Running…')}
          {run.status === 'done' && (run.requestError ?? (r ? summary(r) : ''))}
        </span>
        {r && <span className="time" data-testid="run-time">{formatDuration(r.execution_time_ms)}</span>}
      </header>
      <pre className="stream" data-testid="output">
        {run.chunks.map((c, i) => (
          <span key={i} className={`chunk-${c.kind}`}>
            {c.text}
          </span>
        ))}
        {run.status === 'idle' && <span className="hint">Output appears here.</span>}
      </pre>
      {run.waitingInput && <InputPrompt />}
      {r && <ResultDetails />}
      <div ref={end} />
    </section>
  );
}

function statusClass(run: ReturnType<typeof useIDE.getState>['run']): string {
  if (run.status !== 'done') return run.status;
  if (run.requestError) return 'error';
  return run.result?.success ? 'ok' : 'error';
}

function ResultDetails() {
  const r = useIDE((s) => s.run.result)!;
  return (
    <div className="details">
      {r.truncated && <p className="note">Output was cut off at the server's limit.</p>}
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
          {r.traceback && (
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
