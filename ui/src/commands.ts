import { useLibrary } from './library';
import { useSession } from './session';
import { STARTER, useIDE } from './store';

// hasUnsavedWork is whether replacing the editor's code would lose edits.
export function hasUnsavedWork(): boolean {
  const code = useIDE.getState().code;
  const loaded = useLibrary.getState().loaded;
  if (loaded) return code !== loaded.savedCode;
  return code.trim() !== '' && code !== STARTER;
}

// openCode puts code in a fresh editor (not in a loaded snippet), asking
// first if that would lose unsaved work; it reports whether it did.
export function openCode(code: string): boolean {
  if (code !== useIDE.getState().code && hasUnsavedWork() && !window.confirm('Replace the code in the editor? Your unsaved changes will be lost.')) {
    return false;
  }
  if (useLibrary.getState().loaded) useLibrary.getState().eject();
  useIDE.getState().setCode(code);
  return true;
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
