import { useLibrary } from './library';
import { useSession } from './session';

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
