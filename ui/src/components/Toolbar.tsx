import { useState, type ReactNode } from 'react';
import { HistoryModal } from './HistoryModal';
import { EXAMPLES, ExamplesModal } from './ExamplesModal';
import { SettingsModal } from './SettingsModal';
import { formatEditor, resetExample } from '../commands';
import { useQuery } from '@tanstack/react-query';
import { formatBytes } from '../lib/output';
import { TIMEOUT_CHOICES, useIDE } from '../store';
import { runCode, stopRun } from '../runner';
import { useSession } from '../session';
import { startRoom } from './RoomView';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

// Toolbar holds Run, Stop and the time limit.
export function Toolbar({ children }: { children?: ReactNode }) {
  const status = useIDE((s) => s.run.status);
  const timeout = useIDE((s) => s.timeout);
  const setTimeoutSeconds = useIDE((s) => s.setTimeoutSeconds);
  const busy = status === 'queued' || status === 'running';
  const [historyOpen, setHistoryOpen] = useState(false);
  const [examplesOpen, setExamplesOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const notice = useIDE((s) => s.notice);
  const setNotice = useIDE((s) => s.setNotice);
  const code = useIDE((s) => s.code);
  const exampleId = useIDE((s) => s.example);
  const example = EXAMPLES.find((e) => e.id === exampleId);
  const limits = useQuery({
    queryKey: ['limits'],
    queryFn: async () => ((await (await fetch('/health')).json()) as { limits?: { memory_bytes?: number; output_bytes?: number } }).limits ?? null,
    staleTime: Infinity,
  }).data;
  return (
    <div className="toolbar">
      <button className="primary" data-testid="run" onClick={runCode} disabled={busy} title={isMac ? '⌘+Enter' : 'Ctrl+Enter'}>
        ▶ Run <kbd>{isMac ? '⌘↵' : 'Ctrl+↵'}</kbd>
      </button>
      <button onClick={stopRun} disabled={!busy}>
        ■ Stop
      </button>
      {children}
      <button onClick={formatEditor} title="Format the code with Ruff (Shift+Alt+F)" data-testid="format">
        Format
      </button>
      <button onClick={() => setExamplesOpen(true)} title="Short programs showing what the sandbox can do">
        Examples
      </button>
      {example && example.code !== code && (
        <button onClick={() => resetExample(example)} title={`Put “${example.title}” back as it was`} data-testid="reset-example">
          Reset example
        </button>
      )}
      <StartRoomButton code={code} />
      <button onClick={() => setHistoryOpen(true)} title="The last runs in this browser">
        History
      </button>
      <button onClick={() => setSettingsOpen(true)} title="Font size, tab size, word wrap, lint, Vim keys" data-testid="settings">
        <span aria-hidden="true">⚙</span> Settings
      </button>
      {historyOpen && <HistoryModal onClose={() => setHistoryOpen(false)} />}
      {examplesOpen && <ExamplesModal onClose={() => setExamplesOpen(false)} />}
      {settingsOpen && <SettingsModal onClose={() => setSettingsOpen(false)} />}
      <label className="timeout">
        Time limit
        <select value={timeout} onChange={(e) => setTimeoutSeconds(Number(e.target.value))} aria-label="Time limit">
          {TIMEOUT_CHOICES.map((t) => (
            <option key={t} value={t}>
              {t} s
            </option>
          ))}
        </select>
      </label>
      {limits && (limits.memory_bytes || limits.output_bytes) ? (
        <span className="limits muted" data-testid="limits" title="What one program may use in this sandbox">
          {limits.memory_bytes ? `memory ${formatBytes(limits.memory_bytes)}` : ''}
          {limits.memory_bytes && limits.output_bytes ? ' · ' : ''}
          {limits.output_bytes ? `output ${formatBytes(limits.output_bytes)}` : ''}
        </span>
      ) : null}
      <span className="notice" role="status" data-testid="notice">
        {notice && (
          <>
            {notice}{' '}
            <button className="ghost small" onClick={() => setNotice(null)} aria-label="Dismiss">
              ✕
            </button>
          </>
        )}
      </span>
    </div>
  );
}

// StartRoomButton makes a live room with the current code in it (signed-in
// users): whoever opens its link edits along.
function StartRoomButton({ code }: { code: string }) {
  const session = useSession((s) => s.session);
  const openAuth = useSession((s) => s.openAuth);
  const setNotice = useIDE((s) => s.setNotice);
  return (
    <button
      data-testid="start-room"
      title="A live room: everyone with the link edits this code with you and sees its runs"
      onClick={() => {
        if (!session) {
          openAuth('Sign in to start a room.');
          return;
        }
        startRoom(code).catch((e) => setNotice(`No room: ${e instanceof Error ? e.message : e}`));
      }}
    >
      Start a room
    </button>
  );
}
