import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';

// RoomClient keeps one room's document: a Yjs document whose updates go
// to the server (which keeps them in the room's log and relays them to the
// other members) and come back from it, with everyone's cursors as Yjs
// awareness. Offline, edits go on locally; on reconnection the client
// catches up with the log and sends what the server has not seen, and Yjs
// merges both. The protocol is the server's (server/roommember.go).

export interface Member {
  id: string;
  name: string;
  client_id: number;
  owner: boolean;
  can_edit: boolean;
}

export interface RoomRun {
  job_id: string;
  member: string;
  name: string;
  code: string;
  stdout: string;
  stderr: string;
  success: boolean;
  error?: string;
  timed_out: boolean;
  at: string;
}

export interface LiveRun {
  jobId: string;
  by: string;
  mine: boolean;
  output: { stream: string; data: string }[];
  record?: RoomRun;
  waitingInput: boolean;
}

export type RoomStatus = 'connecting' | 'connected' | 'offline' | 'ended' | 'refused';

export interface RoomState {
  status: RoomStatus;
  member: string;
  owner: boolean;
  mode: 'open' | 'readonly' | 'single';
  editor: string;
  members: Member[];
  runs: LiveRun[];
  error: string | null;
}

const COLORS = ['#d9480f', '#1971c2', '#2f9e44', '#9c36b5', '#e8590c', '#0c8599', '#c2255c', '#5c940d', '#6741d9', '#a61e4d'];

/** colorOf gives a member a colour from their Yjs client id. */
export function colorOf(clientID: number): string {
  return COLORS[clientID % COLORS.length];
}

const b64 = (u: Uint8Array) => {
  let s = '';
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
  return btoa(s);
};
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export class RoomClient {
  doc = new Y.Doc();
  text = this.doc.getText('code');
  awareness = new Awareness(this.doc);
  state: RoomState = { status: 'connecting', member: '', owner: false, mode: 'open', editor: '', members: [], runs: [], error: null };

  private ws: WebSocket | null = null;
  private listeners = new Set<() => void>();
  private docListeners = new Set<() => void>();
  private retry = 1000;
  private stopped = false;
  private seq = 0;
  private unacked = 0;
  private seed: string | null;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly token: string | null,
    seed: string | null = null,
  ) {
    this.seed = seed;
    this.attach();
    this.connect();
  }

  /** subscribe calls f on every change of state; it returns the unsubscribe. */
  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** onDoc calls f when the document is replaced (a resynchronisation). */
  onDoc(f: () => void): () => void {
    this.docListeners.add(f);
    return () => this.docListeners.delete(f);
  }

  get canEdit(): boolean {
    const s = this.state;
    return s.owner || s.mode === 'open' || (s.mode === 'single' && s.editor === s.member);
  }

  run(code: string, stdin: string): void {
    this.send({ type: 'run', code, stdin, job_id: crypto.randomUUID() });
  }

  stdin(jobId: string, data: string, eof = false): void {
    this.send({ type: 'stdin', job_id: jobId, data, eof });
  }

  setMode(mode: RoomState['mode'], editor = ''): void {
    this.send({ type: 'mode', mode, editor });
  }

  close(): void {
    this.stopped = true;
    this.ws?.close();
    this.awareness.destroy();
  }

  private set(patch: Partial<RoomState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((f) => f());
  }

  private send(msg: unknown): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN || this.state.status !== 'connected') return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  // attach sends the document's local changes and the member's cursor.
  private attach(): void {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'server' || !this.canEdit) return;
      if (this.send({ type: 'update', data: b64(update) })) this.unacked++;
    });
    this.awareness.setLocalStateField('user', { name: this.name, color: colorOf(this.doc.clientID) });
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === 'server') return;
      const changed = added.concat(updated, removed).filter((c) => c === this.doc.clientID);
      if (changed.length) this.send({ type: 'awareness', data: b64(encodeAwarenessUpdate(this.awareness, changed)) });
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const q = this.token ? `?token=${encodeURIComponent(this.token)}` : '';
    const ws = new WebSocket(`${proto}//${location.host}/rooms/${this.id}/ws${q}`);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', name: this.name, client_id: this.doc.clientID, key: memberKey(this.id) }));
    ws.onmessage = (e) => this.receive(JSON.parse(e.data as string));
    let welcomed = false;
    ws.addEventListener('message', () => (welcomed = true), { once: true });
    ws.onclose = () => {
      if (this.ws !== ws) return;
      if (this.stopped || this.state.status === 'ended' || this.state.status === 'refused') return;
      this.set({ status: 'offline' });
      if (!welcomed) void this.checkGone();
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 10000);
    };
  }

  // checkGone asks whether a room the socket could not reach still exists:
  // an expired one is not retried.
  private async checkGone(): Promise<void> {
    const res = await fetch(`/rooms/${this.id}`).catch(() => null);
    if (res?.status !== 404) return;
    const body = (await res.json().catch(() => null)) as { detail?: string } | null;
    this.stopped = true;
    this.set({ status: 'refused', error: body?.detail ?? 'This room was not found.' });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private receive(m: any): void {
    switch (m.type) {
      case 'welcome':
        return this.welcome(m);
      case 'update':
        Y.applyUpdate(this.doc, unb64(m.data), 'server');
        this.seq = m.seq;
        return;
      case 'ack':
        this.seq = m.seq;
        this.unacked = Math.max(0, this.unacked - 1);
        return;
      case 'awareness':
        applyAwarenessUpdate(this.awareness, unb64(m.data), 'server');
        return;
      case 'left':
        if (!m.client_id) return;
        removeAwarenessStates(this.awareness, [m.client_id], 'server');
        // An old connection of ours was noticed gone after we reconnected:
        // show the others our cursor again.
        if (m.client_id === this.doc.clientID) this.send({ type: 'awareness', data: b64(encodeAwarenessUpdate(this.awareness, [this.doc.clientID])) });
        return;
      case 'members':
        return this.set({ members: m.members ?? [] });
      case 'mode':
        return this.set({ mode: m.mode, editor: m.editor ?? '' });
      case 'compact':
        if (this.unacked === 0 && this.seq >= m.seq) this.send({ type: 'snapshot', seq: this.seq, data: b64(Y.encodeStateAsUpdate(this.doc)) });
        return;
      case 'run_started':
        return this.upsertRun(m.job_id, (r) => r, { by: m.name, mine: m.from === this.state.member });
      case 'run_output':
        return this.upsertRun(m.job_id, (r) => ({ ...r, output: [...r.output, { stream: m.stream, data: m.data }] }));
      case 'run_waiting_input':
        return this.upsertRun(m.job_id, (r) => ({ ...r, waitingInput: true }));
      case 'run': {
        const rec = m.run as RoomRun;
        return this.upsertRun(rec.job_id, (r) => ({ ...r, record: rec, waitingInput: false }), { by: rec.name, mine: rec.member === this.state.member });
      }
      case 'ended':
        this.set({ status: 'ended' });
        this.ws?.close();
        return;
      case 'error':
        return this.error(m.code, m.detail);
    }
  }

  private welcome(m: {
    member: string;
    owner: boolean;
    mode: RoomState['mode'];
    editor: string;
    snapshot?: string;
    updates: string[];
    last_seq: number;
    runs: RoomRun[];
    awareness: string[];
  }): void {
    // What the server has, as a document of its own: the local document's
    // changes it lacks (made offline) are sent once both are merged.
    const server = new Y.Doc();
    const all = (m.snapshot ? [m.snapshot] : []).concat(m.updates).map(unb64);
    for (const u of all) {
      Y.applyUpdate(server, u);
      Y.applyUpdate(this.doc, u, 'server');
    }
    this.seq = m.last_seq;
    this.unacked = 0;
    this.retry = 1000;
    const runs: LiveRun[] = m.runs.map((r) => ({ jobId: r.job_id, by: r.name, mine: false, output: [], record: r, waitingInput: false }));
    this.set({ status: 'connected', member: m.member, owner: m.owner, mode: m.mode, editor: m.editor, error: null, runs });
    const missing = Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(server));
    if (hasContent(missing, server, this.doc) && this.canEdit) {
      if (this.send({ type: 'update', data: b64(missing) })) this.unacked++;
    }
    if (this.seed !== null && this.text.length === 0 && all.length === 0) {
      this.text.insert(0, this.seed);
    }
    this.seed = null;
    for (const a of m.awareness) applyAwarenessUpdate(this.awareness, unb64(a), 'server');
    // Announce the cursor again, for those already here.
    this.send({ type: 'awareness', data: b64(encodeAwarenessUpdate(this.awareness, [this.doc.clientID])) });
  }

  private error(code: string, detail: string): void {
    if (code === 'room_ended') return this.set({ status: 'ended', error: detail });
    if (code === 'room_full' || code === 'invalid' || code === 'bad_message') {
      this.set({ status: 'refused', error: detail });
      return;
    }
    if (code === 'update_refused') {
      // The change is in this document but not in the room's: start again
      // from the room's.
      this.set({ error: detail });
      this.resync();
      return;
    }
    this.set({ error: detail });
  }

  private resync(): void {
    const old = this.doc;
    this.doc = new Y.Doc();
    this.text = this.doc.getText('code');
    this.awareness.destroy();
    this.awareness = new Awareness(this.doc);
    this.attach();
    old.destroy();
    this.docListeners.forEach((f) => f());
    this.ws?.close();
  }

  private upsertRun(jobId: string, f: (r: LiveRun) => LiveRun, init?: { by: string; mine: boolean }): void {
    const runs = [...this.state.runs];
    const i = runs.findIndex((r) => r.jobId === jobId);
    const base: LiveRun = i >= 0 ? runs[i] : { jobId, by: init?.by ?? '', mine: init?.mine ?? false, output: [], waitingInput: false };
    const next = f(init && i >= 0 ? { ...base, by: init.by || base.by, mine: base.mine || init.mine } : base);
    if (i >= 0) runs[i] = next;
    else runs.push(next);
    this.set({ runs: runs.slice(-30) });
  }
}

// hasContent: whether an update carries anything the server lacks (an
// empty one still encodes a few bytes).
function hasContent(update: Uint8Array, server: Y.Doc, local: Y.Doc): boolean {
  if (update.length <= 2) return false;
  const a = Y.encodeStateVector(server);
  const b = Y.encodeStateVector(local);
  return a.length !== b.length || a.some((x, i) => x !== b[i]);
}

/**
 * memberKey is this tab's secret for a room (kept across reloads of the
 * tab): the server derives the member's id from it, so a reconnection or a
 * reload is the same member, whom the owner may have let edit.
 */
function memberKey(room: string): string {
  const k = `coderemote.roomKey.${room}`;
  let key = sessionStorage.getItem(k);
  if (!key) {
    key = crypto.randomUUID();
    sessionStorage.setItem(k, key);
  }
  return key;
}

/** textAt replays a room's log up to (and including) index i of its updates. */
export function textAt(updates: string[], i: number): string {
  const d = new Y.Doc();
  for (const u of updates.slice(0, i + 1)) Y.applyUpdate(d, unb64(u));
  const t = d.getText('code').toString();
  d.destroy();
  return t;
}
