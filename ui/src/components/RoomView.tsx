import { lazy, Suspense, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { api } from '../lib/api';
import { createSnippet } from '../lib/snippets';
import { colorOf, RoomClient, textAt, type LiveRun, type Member, type RoomRun } from '../lib/room';
import { load, save } from '../lib/persist';
import { useSession } from '../session';
import { useIDE } from '../store';
import { Modal } from './Modal';
import { ThemeToggle } from './ThemeToggle';

const RoomEditor = lazy(() => import('./RoomEditor'));

const NAME_KEY = 'coderemote.roomName';

/** roomIdInPath is the id of the room at /r/{id}, if the page is one. */
export function roomIdInPath(path: string): string | null {
  const m = /^\/r\/([0-9A-Za-z]{12})\/?$/.exec(path);
  return m ? m[1] : null;
}

/** startRoom makes a room with the given code in it and opens it. */
export async function startRoom(code: string): Promise<void> {
  const r = await api<{ id: string; url: string }>('POST', '/rooms');
  sessionStorage.setItem(`coderemote.roomSeed.${r.id}`, code);
  location.assign(r.url);
}

// RoomView is the page of a room: the shared editor, who is in it, the
// runs everyone sees, and the owner's controls.
export function RoomView({ id }: { id: string }) {
  const session = useSession((s) => s.session);
  const [name, setName] = useState<string>(() => session?.user.username || load<string>(NAME_KEY, ''));
  const [joined, setJoined] = useState(name !== '');
  if (!joined) {
    return (
      <div className="room-join">
        <form
          className="modal"
          onSubmit={(e) => {
            e.preventDefault();
            if (!name.trim()) return;
            save(NAME_KEY, name.trim());
            setJoined(true);
          }}
        >
          <h2>Join the room</h2>
          <label>
            Your name, as the others will see it
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={40} autoFocus data-testid="room-name" />
          </label>
          <button className="primary" type="submit" data-testid="room-join">
            Join
          </button>
        </form>
      </div>
    );
  }
  return <Room id={id} name={name.trim()} token={session?.token ?? null} />;
}

function useRoom(room: RoomClient) {
  return useSyncExternalStore(
    (f) => room.subscribe(f),
    () => room.state,
  );
}

function Room({ id, name, token }: { id: string; name: string; token: string | null }) {
  const room = useMemo(() => {
    const seed = sessionStorage.getItem(`coderemote.roomSeed.${id}`);
    sessionStorage.removeItem(`coderemote.roomSeed.${id}`);
    return new RoomClient(id, name, token, seed);
  }, [id, name, token]);
  useEffect(() => () => room.close(), [room]);
  const state = useRoom(room);
  const theme = useIDE((s) => s.theme);
  const fontSize = useIDE((s) => s.settings.fontSize);
  const [stdin, setStdin] = useState('');
  const [playback, setPlayback] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const run = () => room.run(room.text.toString(), stdin);
  const saveSnippet = async () => {
    const title = window.prompt('Title of the snippet', `Room ${id}`);
    if (!title) return;
    try {
      await createSnippet({ code: room.text.toString(), title });
      setNotice(`Saved as the snippet “${title}”.`);
    } catch (e) {
      setNotice(`Not saved: ${e instanceof Error ? e.message : e}`);
    }
  };
  const end = async () => {
    if (!window.confirm('End the room for everyone? Its code and history stay for you to replay until it expires.')) return;
    await api('DELETE', `/rooms/${id}`).catch((e) => setNotice(String(e instanceof Error ? e.message : e)));
  };

  return (
    <div className="app room">
      <header className="topbar">
        <h1>
          <a href="/" className="logo-link">
            <span className="logo">⟨/⟩</span> Code Remote
          </a>{' '}
          <span className="room-title">Room {id}</span>
        </h1>
        <div className="spacer" />
        <span className={`badge room-status ${state.status}`} data-testid="room-status">
          <span className="dot" /> {statusText(state.status)}
        </span>
        <button className="small" onClick={() => void navigator.clipboard?.writeText(location.href).then(() => setNotice('Link copied.'))}>
          Copy link
        </button>
        <ThemeToggle />
      </header>
      {(state.error || notice) && (
        <div className="notice" role="status" data-testid="room-notice">
          {state.error ?? notice}
        </div>
      )}
      <main className="room-main">
        <section className="pane editor-pane">
          <div className="toolbar">
            <button className="primary" data-testid="room-run" onClick={run} disabled={state.status !== 'connected'} title="Ctrl/⌘+Enter">
              ▶ Run for everyone
            </button>
            {state.owner && <OwnerControls room={room} members={state.members} mode={state.mode} editor={state.editor} />}
            {state.owner && (
              <>
                <button onClick={() => void saveSnippet()} data-testid="room-save">
                  Save as snippet
                </button>
                <button onClick={() => setPlayback(true)} data-testid="room-playback">
                  Playback
                </button>
                <button onClick={() => void end()} data-testid="room-end">
                  End room
                </button>
              </>
            )}
            {!room.canEdit && state.status === 'connected' && <span className="small muted">Read-only: the owner is presenting.</span>}
          </div>
          <Suspense fallback={<div className="room-editor">Loading the editor…</div>}>
            <RoomEditor room={room} theme={theme} readOnly={!room.canEdit || state.status === 'ended'} fontSize={fontSize} onRun={run} />
          </Suspense>
        </section>
        <aside className="pane side-pane room-side">
          <Members members={state.members} me={state.member} />
          <label className="small">
            Input for your runs
            <textarea value={stdin} onChange={(e) => setStdin(e.target.value)} rows={3} data-testid="room-stdin" />
          </label>
          <Runs runs={state.runs} room={room} />
        </aside>
      </main>
      {playback && <Playback id={id} onClose={() => setPlayback(false)} />}
    </div>
  );
}

function statusText(s: string): string {
  return { connecting: 'Connecting…', connected: 'Live', offline: 'Offline: your edits are kept and will merge', ended: 'This room has ended', refused: 'Not admitted' }[s] ?? s;
}

function OwnerControls({ room, members, mode, editor }: { room: RoomClient; members: { id: string; name: string; owner: boolean }[]; mode: string; editor: string }) {
  const value = mode === 'single' ? `single:${editor}` : mode;
  return (
    <label className="small">
      Who edits{' '}
      <select
        value={value}
        data-testid="room-mode"
        onChange={(e) => {
          const v = e.target.value;
          if (v.startsWith('single:')) room.setMode('single', v.slice(7));
          else room.setMode(v as 'open' | 'readonly');
        }}
      >
        <option value="open">Everyone</option>
        <option value="readonly">Only me (presenting)</option>
        {members
          .filter((m) => !m.owner)
          .map((m) => (
            <option key={m.id} value={`single:${m.id}`}>
              Me and {m.name}
            </option>
          ))}
      </select>
    </label>
  );
}

function Members({ members, me }: { members: Member[]; me: string }) {
  return (
    <section aria-label="In the room" className="room-members" data-testid="room-members">
      <h2 className="small">In the room ({members.length})</h2>
      <ul>
        {members.map((m) => (
          <li key={m.id}>
            <span className="dot" style={{ background: colorOf(m.client_id) }} /> {m.name}
            {m.id === me && ' (you)'}
            {m.owner && ' · owner'}
            {!m.can_edit && ' · watching'}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Runs({ runs, room }: { runs: LiveRun[]; room: RoomClient }) {
  const [input, setInput] = useState('');
  return (
    <section className="output room-runs" aria-label="Runs" data-testid="room-runs">
      {runs.length === 0 && <p className="small muted">Runs started here appear for everyone.</p>}
      {[...runs].reverse().map((r) => (
        <article key={r.jobId} className="room-run" data-testid="room-run">
          <header className="small">
            {r.by} ran {r.record ? (r.record.success ? '✓' : '✗') : '…'}
          </header>
          <pre data-testid="room-run-output">{r.record ? r.record.stdout + r.record.stderr + (r.record.error && !r.record.stderr ? r.record.error : '') : r.output.map((o) => o.data).join('')}</pre>
          {r.mine && r.waitingInput && !r.record && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                room.stdin(r.jobId, input + '\n');
                setInput('');
              }}
            >
              <input value={input} onChange={(e) => setInput(e.target.value)} placeholder="The program is waiting for input" aria-label="Input for the program" />
            </form>
          )}
        </article>
      ))}
    </section>
  );
}

interface HistoryEvent {
  seq: number;
  kind: string;
  at: string;
  update?: string;
  run?: RoomRun;
}

// Playback replays the room's log: the code as it was at each step, and
// the runs made until then with their output.
function Playback({ id, onClose }: { id: string; onClose(): void }) {
  const [events, setEvents] = useState<HistoryEvent[] | null>(null);
  const [at, setAt] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ events: HistoryEvent[] }>('GET', `/rooms/${id}/history`)
      .then((h) => {
        setEvents(h.events);
        setAt(Math.max(0, h.events.length - 1));
      })
      .catch((e) => setError(String(e instanceof Error ? e.message : e)));
  }, [id]);
  const view = useMemo(() => {
    if (!events || events.length === 0) return { code: '', runs: [] as RoomRun[], when: '' };
    const upto = events.slice(0, at + 1);
    const updates = upto.filter((e) => e.update).map((e) => e.update!);
    return { code: textAt(updates, updates.length - 1), runs: upto.filter((e) => e.run).map((e) => e.run!), when: events[at].at };
  }, [events, at]);
  return (
    <Modal title="Playback" onClose={onClose}>
      {error && <p className="error">{error}</p>}
      {events && (
        <div className="playback">
          <input
            type="range"
            min={0}
            max={Math.max(0, events.length - 1)}
            value={at}
            onChange={(e) => setAt(Number(e.target.value))}
            aria-label="Step in the room's history"
            data-testid="playback-slider"
          />
          <p className="small">
            Step {at + 1} of {events.length} · {view.when && new Date(view.when).toLocaleTimeString()}
          </p>
          <pre className="playback-code" data-testid="playback-code" tabIndex={0} aria-label="The code at this step">
            {view.code}
          </pre>
          {view.runs.map((r) => (
            <div key={r.job_id} className="small">
              {r.name} ran: <pre>{r.stdout + r.stderr}</pre>
            </div>
          ))}
        </div>
      )}
    </Modal>
  );
}
