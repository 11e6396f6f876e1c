import { useLibrary } from './library';
import { useSession } from './session';
import { STARTER, useIDE } from './store';
import examples from './examples.json';

// hasUnsavedWork is whether replacing the editor's code would lose edits.
export function hasUnsavedWork(): boolean {
  const code = useIDE.getState().code;
  const loaded = useLibrary.getState().loaded;
  if (loaded) return code !== loaded.savedCode;
  const example = examples.find((e) => e.id === useIDE.getState().example);
  return code.trim() !== '' && code !== STARTER && code !== example?.code;
}

// openCode puts code in a fresh editor (not in a loaded snippet), asking
// first if that would lose unsaved work; it reports whether it did.
export function openCode(code: string): boolean {
  if (code !== useIDE.getState().code && hasUnsavedWork() && !window.confirm('Replace the code in the editor? Your unsaved changes will be lost.')) {
    return false;
  }
  if (useLibrary.getState().loaded) useLibrary.getState().eject();
  useIDE.getState().setCode(code);
  useIDE.getState().setExample(null);
  return true;
}

// openExample opens one of the Examples with its input, as openCode does;
// until something else is opened, "Reset example" can bring it back.
export function openExample(ex: { id: string; code: string; stdin?: string }): boolean {
  if (!openCode(ex.code)) return false;
  useIDE.getState().setStdin(ex.stdin ?? '');
  useIDE.getState().setExample(ex.id);
  return true;
}

// resetExample puts the open example back as it was, after asking.
export function resetExample(ex: { code: string; stdin?: string }): void {
  const ide = useIDE.getState();
  if (ide.code !== ex.code && !window.confirm('Reset the example? Your changes to it will be lost.')) return;
  ide.setCode(ex.code);
  ide.setStdin(ex.stdin ?? '');
}

// saveEditor saves the loaded snippet now, or asks for a title to save the
// editor as a new one (after sign-in, for visitors). The Save button and
// Ctrl/Cmd+S do this.
export function saveEditor(): void {
  if (!useSession.getState().session) {
    useSession.getState().openAuth('Sign in to save your code as a snippet.');
    return;
  }
  const lib = useLibrary.getState();
  if (lib.loaded) void lib.saveNow();
  else lib.setSaveOpen(true);
}

// editorFocus is set by the code editor once it exists.
let editorFocus: (() => void) | null = null;

export function setEditorFocus(f: (() => void) | null): void {
  editorFocus = f;
}

// focusEditor puts the keyboard back in the code editor (after answering
// input(), say), so Ctrl+Enter works again at once.
export function focusEditor(): void {
  editorFocus?.();
}

// editorFormat is set by the code editor once it exists: Ruff's Format.
let editorFormat: (() => void) | null = null;

export function setEditorFormat(f: (() => void) | null): void {
  editorFormat = f;
}

// formatEditor formats the editor's code (the toolbar's Format).
export function formatEditor(): void {
  editorFormat?.();
}
