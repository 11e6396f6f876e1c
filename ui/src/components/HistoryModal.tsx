import { openCode } from '../commands';
import { useHistory } from '../history';
import { summary } from '../lib/output';
import { relativeTime } from '../lib/time';
import { useIDE } from '../store';
import { Modal } from './Modal';

// HistoryModal lists the last runs made in this browser; opening one puts
// its code in the editor and its output and result in the output panel.
export function HistoryModal({ onClose }: { onClose(): void }) {
  const entries = useHistory((s) => s.entries);
  return (
    <Modal title="Run history" onClose={onClose}>
      {entries.length === 0 ? (
        <p className="muted">Runs you make appear here, and stay after a reload (in this browser only).</p>
      ) : (
        <ul className="history-list" data-testid="history">
          {entries.map((e) => {
            const first = e.code.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '(empty)';
            const status = e.error ?? (e.result ? summary(e.result) : '');
            return (
              <li key={e.id}>
                <button
                  className="history-item"
                  onClick={() => {
                    if (!openCode(e.code)) return;
                    useIDE.getState().setStdin(e.stdin);
                    useIDE.getState().showPastRun(e);
                    onClose();
                  }}
                >
                  <code className="history-code">{first.trim()}</code>
                  <span className={`history-status ${e.result?.success ? 'ok' : 'error'}`}>{status}</span>
                  <span className="muted">{relativeTime(new Date(e.at).toISOString())}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {entries.length > 0 && (
        <p>
          <button onClick={() => useHistory.getState().clear()}>Clear history</button>
        </p>
      )}
    </Modal>
  );
}
