// The editor's preferences, kept in this browser, and the split between
// the editor and the output.

export interface EditorSettings {
  fontSize: number; // px, 10–32
  wordWrap: boolean;
  tabSize: 2 | 4 | 8;
  vim: boolean;
  lint: boolean; // Ruff's findings as you type
}

export const DEFAULT_SETTINGS: EditorSettings = { fontSize: 14, wordWrap: false, tabSize: 4, vim: false, lint: true };

// parseSettings turns whatever was stored (an older version's, a hand-edited
// one, garbage) into settings the editor can use: known keys only, each
// valid or its default.
export function parseSettings(saved: unknown): EditorSettings {
  const v = saved !== null && typeof saved === 'object' && !Array.isArray(saved) ? (saved as Record<string, unknown>) : {};
  const d = DEFAULT_SETTINGS;
  const fontSize = typeof v.fontSize === 'number' && Number.isInteger(v.fontSize) && v.fontSize >= 10 && v.fontSize <= 32 ? v.fontSize : d.fontSize;
  const tabSize = v.tabSize === 2 || v.tabSize === 4 || v.tabSize === 8 ? v.tabSize : d.tabSize;
  const flag = (x: unknown, def: boolean) => (typeof x === 'boolean' ? x : def);
  return { fontSize, tabSize, wordWrap: flag(v.wordWrap, d.wordWrap), vim: flag(v.vim, d.vim), lint: flag(v.lint, d.lint) };
}

// clampSplit keeps the output pane's share of the workspace's width (which
// the divider between the panes moves) between 0.2 and 0.8.
export const clampSplit = (f: unknown) => (typeof f === 'number' && Number.isFinite(f) ? Math.min(0.8, Math.max(0.2, f)) : 0.4);
