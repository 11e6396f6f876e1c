import { useRef, useState } from 'react';
import { openCode } from '../commands';
import { downloadPython, readPythonFile, shareProgram } from '../lib/files';
import { useIDE } from '../store';
import { Modal } from './Modal';

// FileButtons: Share (a permalink), Download (.py) and Open (a local .py).
export function FileButtons() {
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            const { code, stdin } = useIDE.getState();
            const sh = await shareProgram(code, stdin);
            setLink(new URL(sh.url, location.origin).toString());
          } catch (e) {
            setError(e instanceof Error ? e.message : 'Could not share');
            setLink('');
          } finally {
            setBusy(false);
          }
        }}
        title="A permanent link to this program (anyone with it can open a copy)"
      >
        Share
      </button>
      <button onClick={() => downloadPython(useIDE.getState().code)} title="Download the program as a .py file">
        Download
      </button>
      <button onClick={() => picker.current?.click()} title="Open a .py file from this computer (or drop one on the editor)">
        Open
      </button>
      <input
        ref={picker}
        type="file"
        accept=".py,text/x-python,text/plain"
        hidden
        data-testid="open-file"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          try {
            openCode(await readPythonFile(f));
          } catch (err) {
            window.alert(err instanceof Error ? err.message : 'Could not open the file');
          }
        }}
      />
      {link !== null && (
        <Modal title="Share this program" onClose={() => setLink(null)}>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : (
            <>
              <p>Anyone with this link can open a copy of the program (and its standard input). It does not change when you edit.</p>
              <div className="share-link">
                <input readOnly value={link} aria-label="Share link" data-testid="share-link" onFocus={(e) => e.currentTarget.select()} />
                <button
                  onClick={() =>
                    void navigator.clipboard?.writeText(link).then(() => {
                      setCopied(true);
                      setTimeout(() => setCopied(false), 1500);
                    })
                  }
                >
                  {copied ? 'Copied' : 'Copy link'}
                </button>
              </div>
            </>
          )}
        </Modal>
      )}
    </>
  );
}

// dropPythonFile opens a .py file dropped on the editor.
export async function dropPythonFile(e: React.DragEvent): Promise<void> {
  const f = e.dataTransfer.files?.[0];
  if (!f) return;
  e.preventDefault();
  try {
    openCode(await readPythonFile(f));
  } catch (err) {
    window.alert(err instanceof Error ? err.message : 'Could not open the file');
  }
}
