import { Connection, websocketURL } from './lib/connection';
import type { ApiError, ExecutionResult, ServerMessage } from './lib/types';
import { useIDE } from './store';

// The runner sends programs to the server over the WebSocket when it is
// live (streamed output, interactive input, cancel) and over POST /execute
// otherwise.

let connection: Connection | null = null;
let httpAbort: AbortController | null = null;

function onMessage(m: ServerMessage): void {
  const ide = useIDE.getState();
  switch (m.type) {
    case 'execution_started':
      ide.markRunning(m.job_id);
      break;
    case 'execution_output':
      ide.setWaitingInput(m.job_id, false);
      ide.addOutput(m.job_id, m.stream, m.data);
      break;
    case 'execution_waiting_input':
      ide.setWaitingInput(m.job_id, true);
      break;
    case 'execution_result': {
      const { type: _type, ...result } = m;
      ide.finishRun(result);
      break;
    }
    case 'error':
      ide.failRun(m.job_id ?? null, m.detail);
      break;
  }
}

export function startConnection(): () => void {
  connection = new Connection(websocketURL(), onMessage, (s) => useIDE.getState().setConnection(s));
  connection.start();
  return () => connection?.stop();
}

export function runCode(): void {
  const ide = useIDE.getState();
  if (ide.run.status === 'queued' || ide.run.status === 'running') return;
  const jobId = crypto.randomUUID();
  const body = { code: ide.code, stdin: ide.stdin, timeout_seconds: ide.timeout };
  if (connection?.send({ action: 'execute', job_id: jobId, ...body })) {
    ide.beginRun(jobId, 'ws');
    return;
  }
  ide.beginRun(jobId, 'http');
  void runOverHTTP(jobId, body);
}

async function runOverHTTP(jobId: string, body: object): Promise<void> {
  httpAbort = new AbortController();
  try {
    const res = await fetch('/execute', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: httpAbort.signal,
    });
    const data = (await res.json()) as ExecutionResult | ApiError;
    if (!res.ok) {
      useIDE.getState().failRun(jobId, (data as ApiError).detail ?? `HTTP ${res.status}`);
      return;
    }
    useIDE.getState().finishRun({ ...(data as ExecutionResult), job_id: jobId });
  } catch (e) {
    const aborted = e instanceof DOMException && e.name === 'AbortError';
    useIDE.getState().failRun(jobId, aborted ? 'Stopped' : 'Could not reach the server');
  } finally {
    httpAbort = null;
  }
}

export function stopRun(): void {
  const { run } = useIDE.getState();
  if (!run.jobId || run.status === 'done' || run.status === 'idle') return;
  if (run.transport === 'ws') connection?.send({ action: 'cancel', job_id: run.jobId });
  else httpAbort?.abort();
}

// sendInput answers the program's input(): the line is echoed into the
// output, as a terminal would.
export function sendInput(line: string): void {
  const ide = useIDE.getState();
  const { run } = ide;
  if (!run.jobId || run.transport !== 'ws') return;
  connection?.send({ action: 'stdin', job_id: run.jobId, data: line + '\n' });
  ide.addOutput(run.jobId, 'input', line + '\n');
  ide.setWaitingInput(run.jobId, false);
}

export function sendEOF(): void {
  const { run } = useIDE.getState();
  if (!run.jobId || run.transport !== 'ws') return;
  connection?.send({ action: 'stdin', job_id: run.jobId, eof: true });
  useIDE.getState().setWaitingInput(run.jobId, false);
}
