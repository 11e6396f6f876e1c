import { create } from 'zustand';
import type { ChunkKind } from './lib/output';
import { OutputBuffer } from './lib/outputBuffer';
import type { ConnectionState } from './lib/connection';
import type { ExecutionResult } from './lib/types';
import { load, save } from './lib/persist';

export type Theme = 'dark' | 'light';
export type RunStatus = 'idle' | 'queued' | 'running' | 'done';

export const TIMEOUT_CHOICES = [5, 10, 30, 60] as const;

export const STARTER = `# Welcome to Code Remote. Press Ctrl+Enter (⌘+Enter on a Mac) to run.
def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

name = input("What is your name? ")
print(f"Hello, {name}!")
print([fib(i) for i in range(10)])
`;

export interface RunState {
  status: RunStatus;
  jobId: string | null;
  transport: 'ws' | 'http' | null;
  // output is appended to in place; outputVersion changes (at most once a
  // frame) when it has, so that views re-render.
  output: OutputBuffer;
  outputVersion: number;
  startedAt: number | null;
  result: ExecutionResult | null;
  waitingInput: boolean;
  requestError: string | null;
}

const idleRun: RunState = {
  status: 'idle',
  jobId: null,
  transport: null,
  output: new OutputBuffer(),
  outputVersion: 0,
  startedAt: null,
  result: null,
  waitingInput: false,
  requestError: null,
};

interface IDEState {
  code: string;
  theme: Theme;
  timeout: number;
  stdin: string;
  connection: ConnectionState;
  run: RunState;
  setCode(code: string): void;
  toggleTheme(): void;
  setTimeoutSeconds(t: number): void;
  setStdin(s: string): void;
  setConnection(c: ConnectionState): void;
  beginRun(jobId: string, transport: 'ws' | 'http'): void;
  markRunning(jobId: string): void;
  addOutput(jobId: string, kind: ChunkKind, text: string): void;
  setWaitingInput(jobId: string, waiting: boolean): void;
  finishRun(result: ExecutionResult): void;
  failRun(jobId: string | null, message: string): void;
  clearOutput(): void;
}

// One re-render per frame however many chunks arrive: a program printing
// 100,000 lines sends thousands of messages.
let flushPending = false;
function scheduleFlush(flush: () => void) {
  if (flushPending) return;
  flushPending = true;
  const run = () => {
    flushPending = false;
    flush();
  };
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) requestAnimationFrame(run);
  else setTimeout(run, 16);
}

export const useIDE = create<IDEState>((set, get) => ({
  code: load('coderemote.buffer', STARTER),
  theme: load<Theme>('coderemote.theme', 'dark'),
  timeout: load('coderemote.timeout', 10),
  stdin: '',
  connection: 'connecting',
  run: idleRun,
  setCode(code) {
    save('coderemote.buffer', code);
    set({ code });
  },
  toggleTheme() {
    const theme = get().theme === 'dark' ? 'light' : 'dark';
    save('coderemote.theme', theme);
    set({ theme });
  },
  setTimeoutSeconds(timeout) {
    save('coderemote.timeout', timeout);
    set({ timeout });
  },
  setStdin: (stdin) => set({ stdin }),
  setConnection: (connection) => set({ connection }),
  beginRun(jobId, transport) {
    set({ run: { ...idleRun, status: 'queued', jobId, transport, output: new OutputBuffer(), startedAt: Date.now() } });
  },
  markRunning(jobId) {
    const run = get().run;
    if (run.jobId === jobId && run.status === 'queued') set({ run: { ...run, status: 'running' } });
  },
  addOutput(jobId, kind, text) {
    const run = get().run;
    if (run.jobId !== jobId) return;
    run.output.append(kind, text);
    scheduleFlush(() => {
      const now = get().run;
      if (now.output === run.output) {
        set({ run: { ...now, status: now.status === 'queued' ? 'running' : now.status, outputVersion: now.outputVersion + 1 } });
      }
    });
  },
  clearOutput() {
    const run = get().run;
    set({ run: { ...run, output: new OutputBuffer(), outputVersion: run.outputVersion + 1 } });
  },
  setWaitingInput(jobId, waiting) {
    const run = get().run;
    if (run.jobId === jobId) set({ run: { ...run, waitingInput: waiting } });
  },
  finishRun(result) {
    const run = get().run;
    if (run.jobId !== result.job_id) return;
    if (!run.output.hasProgramOutput() && run.transport !== 'ws') {
      // Nothing was streamed (HTTP): the result carries the output.
      run.output.append('stdout', result.stdout);
      run.output.append('stderr', result.stderr);
    }
    set({ run: { ...run, status: 'done', result, waitingInput: false, outputVersion: run.outputVersion + 1 } });
  },
  failRun(jobId, message) {
    const run = get().run;
    if (jobId !== null && run.jobId !== jobId) return;
    set({ run: { ...run, status: 'done', waitingInput: false, requestError: message } });
  },
}));
