// Ruff runs in this worker: instantiating its 11 MB module and linting or
// formatting never block the page's main thread (typing stays smooth).
import init, { PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-web';

let workspace: Promise<Workspace> | null = null;

function ruff(): Promise<Workspace> {
  workspace ??= init().then(
    () =>
      new Workspace(
        {
          'target-version': 'py313', // the sandbox's Python
          'line-length': 88,
          'indent-width': 4,
          format: { 'indent-style': 'space', 'quote-style': 'double' },
          // Ruff's defaults: pyflakes (undefined names, unused imports and
          // variables…) and the pycodestyle rules about meaning, not layout.
          lint: { select: ['E4', 'E7', 'E9', 'F'] },
        },
        PositionEncoding.Utf16, // Monaco's columns are UTF-16 code units
      ),
  );
  workspace.catch(() => (workspace = null)); // try again next time
  return workspace;
}

export interface RuffRequest {
  id: number;
  op: 'check' | 'format';
  code: string;
}

export type RuffReply = { id: number; result: unknown } | { id: number; error: string };

self.onmessage = async (e: MessageEvent<RuffRequest>) => {
  const { id, op, code } = e.data;
  try {
    const ws = await ruff();
    const result = op === 'format' ? ws.format(code) : ws.check(code);
    self.postMessage({ id, result } satisfies RuffReply);
  } catch (err) {
    self.postMessage({ id, error: String(err instanceof Error ? err.message : err) } satisfies RuffReply);
  }
};
