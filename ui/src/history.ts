import { create } from 'zustand';
import { load, save } from './lib/persist';
import type { ExecutionResult } from './lib/types';

// The last runs, kept in this browser (localStorage) so they survive a
// reload: code, stdin, output and result. Output is capped per run so the
// whole history stays well under the browser's storage quota.
export interface HistoryEntry {
  id: string;
  at: number; // ms since the epoch
  code: string;
  stdin: string;
  output: string;
  result: ExecutionResult | null;
  error: string | null; // a request that failed (no result)
}

const KEY = 'coderemote.history';
export const HISTORY_SIZE = 20;
export const HISTORY_OUTPUT_CHARS = 64 * 1024;

interface HistoryState {
  entries: HistoryEntry[];
  add(e: HistoryEntry): void;
  clear(): void;
}

function cap(text: string): string {
  return text.length > HISTORY_OUTPUT_CHARS ? text.slice(0, HISTORY_OUTPUT_CHARS) + '\n… (cut for the history)' : text;
}

export const useHistory = create<HistoryState>((set, get) => ({
  entries: load<HistoryEntry[]>(KEY, []),
  add(e) {
    const small: HistoryEntry = {
      ...e,
      output: cap(e.output),
      result: e.result ? { ...e.result, stdout: cap(e.result.stdout), stderr: cap(e.result.stderr) } : null,
    };
    const entries = [small, ...get().entries.filter((x) => x.id !== e.id)].slice(0, HISTORY_SIZE);
    // A full storage quota drops the oldest runs until the rest fit.
    for (let n = entries.length; n > 0; n--) {
      if (save(KEY, entries.slice(0, n))) {
        set({ entries: entries.slice(0, n) });
        return;
      }
    }
    set({ entries: [] });
  },
  clear() {
    save(KEY, []);
    set({ entries: [] });
  },
}));
