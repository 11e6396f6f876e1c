import { useState } from 'react';
import { useLibrary } from '../library';
import { Modal } from './Modal';

// SaveModal saves the editor's code as a new snippet.
export function SaveModal() {
  const close = () => useLibrary.getState().setSaveOpen(false);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!title.trim()) {
      setError('A title is required');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await useLibrary.getState().createFromEditor(title.trim(), description.trim());
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not save');
      setBusy(false);
    }
  };
  return (
    <Modal title="Save as a snippet" onClose={close}>
      <form onSubmit={submit} className="form">
        <label>
          Title
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={255} required autoFocus />
        </label>
        <label>
          Description <span className="muted">(optional)</span>
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} rows={3} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </form>
    </Modal>
  );
}
