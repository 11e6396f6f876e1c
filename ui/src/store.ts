import { create } from 'zustand';
import type { ChunkKind } from './lib/output';
import { OutputBuffer } from './lib/outputBuffer';
import type { HistoryEntry } from './history';
import { useHistory } from './history';
import type { ConnectionState } from './lib/connection';
import type { ExecutionResult } from './lib/types';
import { load, save } from './lib/persist';
import { clampSplit, DEFAULT_SETTINGS, parseSettings, type EditorSettings } from './lib/settings';

export { DEFAULT_SETTINGS, type EditorSettings };

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
  code: string; // what ran
  stdin: string;
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
  code: '',
  stdin: '',
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
  settings: EditorSettings;
  split: number; // the output pane's share of the width
  notice: string | null; // a short message about the last editor command
  example: string | null; // the id of the example the editor was opened from
  setCode(code: string): void;
  setExample(id: string | null): void;
  setNotice(n: string | null): void;
  setSettings(s: Partial<EditorSettings>): void;
  setSplit(f: number): void;
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
  showPastRun(e: HistoryEntry): void;
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

// systemTheme is the operating system's preference; the page follows it
// until the user picks a theme.
export function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

if (typeof matchMedia === 'function') {
  matchMedia('(prefers-color-scheme: light)').addEventListener?.('change', () => {
    if (load<Theme | null>('coderemote.theme', null) === null) useIDE.setState({ theme: systemTheme() });
  });
}

export const useIDE = create<IDEState>((set, get) => ({
  code: load('coderemote.buffer', STARTER),
  theme: load<Theme | null>('coderemote.theme', null) ?? systemTheme(),
  timeout: load('coderemote.timeout', 10),
  stdin: '',
  connection: 'connecting',
  run: idleRun,
  settings: parseSettings(load<unknown>('coderemote.settings', null)),
  notice: null,
  example: load<string | null>('coderemote.example', null),
  setExample(example) {
    save('coderemote.example', example);
    set({ example });
  },
  setNotice: (notice) => set({ notice }),
  split: clampSplit(load<unknown>('coderemote.split', 0.4)),
  setSettings(patch) {
    const settings = { ...get().settings, ...patch };
    save('coderemote.settings', settings);
    set({ settings });
  },
  setSplit(f) {
    const split = clampSplit(f);
    save('coderemote.split', split);
    set({ split });
  },
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
    const { code, stdin } = get();
    set({ run: { ...idleRun, status: 'queued', jobId, transport, output: new OutputBuffer(), startedAt: Date.now(), code, stdin } });
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
  showPastRun(e) {
    const output = new OutputBuffer();
    output.append('stdout', e.output);
    set({
      run: { ...idleRun, status: 'done', jobId: e.id, output, result: e.result, requestError: e.error, code: e.code, stdin: e.stdin, startedAt: e.at },
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
    useHistory.getState().add({ id: result.job_id, at: run.startedAt ?? Date.now(), code: run.code, stdin: run.stdin, output: run.output.text(), result, error: null });
  },
  failRun(jobId, message) {
    const run = get().run;
    if (jobId !== null && run.jobId !== jobId) return;
    set({ run: { ...run, status: 'done', waitingInput: false, requestError: message } });
    if (run.jobId) {
      useHistory.getState().add({ id: run.jobId, at: run.startedAt ?? Date.now(), code: run.code, stdin: run.stdin, output: run.output.text(), result: null, error: message });
    }
  },
}));
