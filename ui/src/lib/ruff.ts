// Ruff, compiled to WebAssembly and bundled (no network): lint while typing
// and Format. The module (≈ 2.6 MB compressed) loads on first use, after the
// editor has painted, and is shared by every caller.
import type { Diagnostic, Workspace } from '@astral-sh/ruff-wasm-web';

let workspace: Promise<Workspace> | null = null;

export function ruff(): Promise<Workspace> {
  workspace ??= (async () => {
    const mod = await import('@astral-sh/ruff-wasm-web');
    await mod.default(); // fetches ruff_wasm_bg.wasm from our own origin
    return new mod.Workspace(
      {
        'target-version': 'py313', // the sandbox's Python
        'line-length': 88,
        'indent-width': 4,
        format: { 'indent-style': 'space', 'quote-style': 'double' },
        // Ruff's defaults: pyflakes (undefined names, unused imports and
        // variables…) and the pycodestyle rules that are about meaning, not
        // layout.
        lint: { select: ['E4', 'E7', 'E9', 'F'] },
      },
      mod.PositionEncoding.Utf16, // Monaco's columns are UTF-16 code units
    );
  })();
  workspace.catch(() => {
    workspace = null; // try again next time
  });
  return workspace;
}

// ruffRequested is whether anything has asked for Ruff yet.
export const ruffRequested = () => workspace !== null;

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
  const ws = await ruff();
  const found = ws.check(code) as Diagnostic[];
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

// format returns code as Ruff's formatter writes it; it throws (with Ruff's
// message) when the code does not parse.
export async function format(code: string): Promise<string> {
  const ws = await ruff();
  return ws.format(code);
}
