import type { ServerMessage } from './types';

export type ConnectionState = 'connecting' | 'live' | 'http';

// Connection keeps one WebSocket to the server open, reconnecting with
// backoff. While it is down the IDE falls back to plain HTTP.
export class Connection {
  private ws: WebSocket | null = null;
  private retry = 500;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  state: ConnectionState = 'connecting';

  constructor(
    private readonly url: string,
    private readonly onMessage: (m: ServerMessage) => void,
    private readonly onState: (s: ConnectionState) => void,
  ) {}

  start(): void {
    this.closed = false;
    this.open();
  }

  stop(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  // send returns false when the socket is not open (use HTTP instead).
  send(msg: object): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  private setState(s: ConnectionState): void {
    if (this.state !== s) {
      this.state = s;
      this.onState(s);
    }
  }

  private open(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.setState('http');
      this.schedule();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 500;
      this.setState('live');
      ws.send(JSON.stringify({ action: 'ping' }));
    };
    ws.onmessage = (ev) => {
      try {
        this.onMessage(JSON.parse(ev.data as string) as ServerMessage);
      } catch {
        // not ours; ignore
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState('http');
      if (!this.closed) this.schedule();
    };
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), this.retry);
    this.retry = Math.min(this.retry * 2, 60000); // on Lambda there is no WebSocket at all
  }
}

export function websocketURL(loc: Location = window.location): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/ws`;
}
