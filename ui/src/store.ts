import { create } from 'zustand';
import type { Chunk } from './lib/output';
import { appendChunk, outputFromResult } from './lib/output';
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
  chunks: Chunk[];
  result: ExecutionResult | null;
  waitingInput: boolean;
  requestError: string | null;
}

const idleRun: RunState = {
  status: 'idle',
  jobId: null,
  transport: null,
  chunks: [],
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
  addOutput(jobId: string, kind: Chunk['kind'], text: string): void;
  setWaitingInput(jobId: string, waiting: boolean): void;
  finishRun(result: ExecutionResult): void;
  failRun(jobId: string | null, message: string): void;
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
    set({ run: { ...idleRun, status: 'queued', jobId, transport } });
  },
  markRunning(jobId) {
    const run = get().run;
    if (run.jobId === jobId && run.status === 'queued') set({ run: { ...run, status: 'running' } });
  },
  addOutput(jobId, kind, text) {
    const run = get().run;
    if (run.jobId !== jobId) return;
    set({ run: { ...run, status: 'running', chunks: appendChunk(run.chunks, kind, text) } });
  },
  setWaitingInput(jobId, waiting) {
    const run = get().run;
    if (run.jobId === jobId) set({ run: { ...run, waitingInput: waiting } });
  },
  finishRun(result) {
    const run = get().run;
    if (run.jobId !== result.job_id) return;
    const streamed = run.chunks.some((c) => c.kind !== 'input');
    const chunks = streamed || run.transport === 'ws' ? run.chunks : outputFromResult(result.stdout, result.stderr);
    set({ run: { ...run, status: 'done', chunks, result, waitingInput: false } });
  },
  failRun(jobId, message) {
    const run = get().run;
    if (jobId !== null && run.jobId !== jobId) return;
    set({ run: { ...run, status: 'done', waitingInput: false, requestError: message } });
  },
}));
