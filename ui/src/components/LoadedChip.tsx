import { saveEditor } from '../commands';
import { useLibrary } from '../library';

const STATE_TEXT = { saved: 'Saved', modified: 'Modified', saving: 'Saving…', error: 'Not saved' } as const;

// LoadedChip names the snippet in the editor and its save state.
export function LoadedChip() {
  const loaded = useLibrary((s) => s.loaded);
  const saveState = useLibrary((s) => s.saveState);
  const saveError = useLibrary((s) => s.saveError);
  if (!loaded) return null;
  return (
    <span className={`chip save-${saveState}`} data-testid="loaded-chip" title={saveError ?? undefined}>
      <span className="chip-title">{loaded.title}</span>
      <span className="chip-state" data-testid="save-state">
        {STATE_TEXT[saveState]}
      </span>
      <button className="ghost" onClick={() => useLibrary.getState().eject()} title="Stop editing this snippet" aria-label="Eject snippet">
        ✕
      </button>
    </span>
  );
}

// SaveButton saves (see saveEditor).
export function SaveButton() {
  const loaded = useLibrary((s) => s.loaded);
  return (
    <button
      onClick={saveEditor}
      title={loaded ? 'Save now (changes also save by themselves)' : 'Save as a snippet'}
    >
      Save
    </button>
  );
}
