import { analyzeOverHTTP, useAnalysis } from './analysis';
import type { AnalysisResult } from './analysis';
import { api } from './lib/api';
import { Connection, websocketURL } from './lib/connection';
import type { ApiError, ExecutionResult, ServerMessage } from './lib/types';
import { refreshSnippets, useLibrary } from './library';
import { useSession } from './session';
import { useIDE } from './store';

// The runner sends programs to the server over the WebSocket when it is
// live (streamed output, interactive input, cancel) and over POST /execute
// otherwise.

let connection: Connection | null = null;
let connectionId: string | null = null;
let httpAbort: AbortController | null = null;

function onMessage(m: ServerMessage): void {
  const ide = useIDE.getState();
  const an = useAnalysis.getState();
  switch (m.type) {
    case 'pong':
      connectionId = m.connection_id;
      break;
    case 'analysis_stream_start':
      an.adopt(m.job_id);
      break;
    case 'analysis_stream_chunk':
      an.chunk(m.job_id, m.chunk);
      break;
    case 'analysis_stream_complete':
      an.complete(m.job_id, m.result as AnalysisResult);
      if (useLibrary.getState().loaded) void refreshSnippets(); // complexity badges
      break;
    case 'analysis_stream_error':
      an.fail(m.job_id, m.error);
      break;
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
      if (useLibrary.getState().loaded) void refreshSnippets(); // its run count changed
      break;
    }
    case 'error':
      // Errors about the connection itself (e.g. a refused auth) have no job.
      if (m.job_id) ide.failRun(m.job_id, m.detail);
      else if (ide.run.status === 'queued') ide.failRun(null, m.detail);
      break;
  }
}

function authenticate(): void {
  const token = useSession.getState().session?.token;
  if (token) connection?.send({ action: 'auth', token });
}

export function startConnection(): () => void {
  connection = new Connection(websocketURL(), onMessage, (s) => {
    useIDE.getState().setConnection(s);
    if (s === 'live') authenticate();
    else {
      connectionId = null;
      recoverLostRun();
    }
  });
  connection.start();
  // Signing in authenticates the open socket; signing out opens a new one.
  const unsubscribe = useSession.subscribe((state, prev) => {
    if (state.session?.token === prev.session?.token) return;
    if (state.session) authenticate();
    else {
      connection?.stop();
      connection?.start();
    }
  });
  return () => {
    unsubscribe();
    connection?.stop();
  };
}

// recoverLostRun fetches the result of a run whose socket closed mid-run.
async function recoverLostRun(): Promise<void> {
  const { run } = useIDE.getState();
  if (run.transport !== 'ws' || !run.jobId || run.status === 'done' || run.status === 'idle') return;
  const jobId = run.jobId;
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    if (useIDE.getState().run.jobId !== jobId || useIDE.getState().run.status === 'done') return;
    const res = await fetch(`/jobs/${jobId}`, { headers: authHeaders() }).catch(() => null);
    if (res?.status === 404) break;
    const job = res?.ok ? ((await res.json()) as { status: string; result?: ExecutionResult }) : null;
    if (job?.result) {
      useIDE.getState().finishRun(job.result);
      return;
    }
  }
  useIDE.getState().failRun(jobId, 'The connection was lost during the run');
}

function authHeaders(): Record<string, string> {
  const token = useSession.getState().session?.token;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function runCode(): void {
  const ide = useIDE.getState();
  if (ide.run.status === 'queued' || ide.run.status === 'running') return;
  const jobId = crypto.randomUUID();
  const snippetId = useSession.getState().session ? useLibrary.getState().loaded?.id : undefined;
  // The box holds lines: its last one is complete even without a newline
  // (else an interactive run would wait for the rest of it).
  const stdin = ide.stdin !== '' && !ide.stdin.endsWith('\n') ? ide.stdin + '\n' : ide.stdin;
  const body = { code: ide.code, stdin, timeout_seconds: ide.timeout, snippet_id: snippetId };
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
      headers: { 'Content-Type': 'application/json', ...authHeaders() },
      body: JSON.stringify(body),
      signal: httpAbort.signal,
    });
    const data = (await res.json()) as ExecutionResult | ApiError;
    if (!res.ok) {
      useIDE.getState().failRun(jobId, (data as ApiError).detail ?? `HTTP ${res.status}`);
      return;
    }
    useIDE.getState().finishRun({ ...(data as ExecutionResult), job_id: jobId });
    if (snippetIdOf(body)) void refreshSnippets();
  } catch (e) {
    const aborted = e instanceof DOMException && e.name === 'AbortError';
    useIDE.getState().failRun(jobId, aborted ? 'Stopped' : 'Could not reach the server');
  } finally {
    httpAbort = null;
  }
}

function snippetIdOf(body: object): string | undefined {
  return (body as { snippet_id?: string }).snippet_id;
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

// analyzeCode explains the editor's program: streamed over the WebSocket when
// it is open, over HTTP otherwise. A loaded snippet gets its complexities.
export async function analyzeCode(): Promise<void> {
  const code = useIDE.getState().code;
  if (!code.trim()) return;
  const an = useAnalysis.getState();
  const snippetId = useSession.getState().session ? useLibrary.getState().loaded?.id : undefined;
  if (connectionId && connection?.state === 'live') {
    an.begin(null);
    try {
      const res = await api<{ job_id: string }>('POST', '/analyze/async', { code, snippet_id: snippetId, connection_id: connectionId });
      useAnalysis.getState().adopt(res.job_id);
      return;
    } catch {
      // fall through to HTTP
    }
  }
  const jobId = crypto.randomUUID();
  an.begin(jobId);
  try {
    const result = await analyzeOverHTTP(code, snippetId);
    useAnalysis.getState().complete(jobId, result);
    if (snippetId) void refreshSnippets();
  } catch (e) {
    useAnalysis.getState().fail(jobId, e instanceof Error ? e.message : 'Analysis failed');
  }
}

// Auto-analyze: after each finished run, if the option is on.
useIDE.subscribe((state, prev) => {
  if (state.run.status === 'done' && prev.run.status !== 'done' && useAnalysis.getState().auto) void analyzeCode();
});
