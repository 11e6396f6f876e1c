// Ruff, compiled to WebAssembly and bundled (no network): lint while typing
// and Format. It runs in a worker (ruff.worker.ts) that starts on first
// use, after the editor has painted; its module is ≈ 2.6 MB compressed.
import type { Diagnostic } from '@astral-sh/ruff-wasm-web';
import RuffWorker from './ruff.worker?worker';
import type { RuffReply, RuffRequest } from './ruff.worker';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

function call(op: RuffRequest['op'], code: string): Promise<unknown> {
  if (!worker) {
    worker = new RuffWorker();
    worker.onmessage = (e: MessageEvent<RuffReply>) => {
      const p = pending.get(e.data.id);
      pending.delete(e.data.id);
      if (!p) return;
      if ('error' in e.data) p.reject(new Error(e.data.error));
      else p.resolve(e.data.result);
    };
    worker.onerror = () => {
      // The worker could not start (or died): fail what waits, start afresh next time.
      for (const p of pending.values()) p.reject(new Error('Ruff is unavailable'));
      pending.clear();
      worker?.terminate();
      worker = null;
    };
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage({ id, op, code } satisfies RuffRequest);
  });
}

// ruffRequested is whether anything has asked for Ruff yet.
export const ruffRequested = () => worker !== null;

export interface LintProblem {
  code: string;
  message: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  unnecessary: boolean;
}

// lint returns Ruff's findings for code. Syntax errors are left out: the
// server's check reports them as the sandbox's own CPython sees them.
export async function lint(code: string): Promise<LintProblem[]> {
  const found = (await call('check', code)) as Diagnostic[];
  return found
    .filter((d) => d.code !== null)
    .map((d) => ({
      code: d.code!,
      message: d.message,
      startLine: d.start_location.row,
      startColumn: d.start_location.column,
      endLine: d.end_location.row,
      endColumn: d.end_location.column,
      unnecessary: d.tags.includes('unnecessary'),
    }));
}

// format returns code as Ruff's formatter writes it; it fails (with Ruff's
// message) when the code does not parse.
export async function format(code: string): Promise<string> {
  return (await call('format', code)) as string;
}
