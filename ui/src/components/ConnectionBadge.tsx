import { useIDE } from '../store';

const LABELS = {
  connecting: { text: 'Connecting…', title: 'Opening a live connection to the server' },
  live: { text: 'Live', title: 'WebSocket connected: output streams as your program prints' },
  http: { text: 'HTTP', title: 'No live connection: programs run over HTTP, output arrives at the end' },
} as const;

// ConnectionBadge says whether runs stream over the WebSocket or fall back to HTTP.
export function ConnectionBadge() {
  const state = useIDE((s) => s.connection);
  const label = LABELS[state];
  return (
    <span className={`badge conn-${state}`} title={label.title} data-testid="connection">
      <span className="dot" /> {label.text}
    </span>
  );
}
