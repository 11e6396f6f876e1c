import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useLibrary } from '../library';
import { prettyBigO } from '../lib/bigo';
import type { SearchResult } from '../lib/snippets';
import { similarSnippets } from '../lib/snippets';

// What the sidebar is showing instead of the plain list.
export type Finding =
  | { kind: 'search'; q: string }
  | { kind: 'complexity'; value: string; type: 'time' | 'space' };

interface Props {
  title: string;
  results: SearchResult[] | undefined;
  note?: string;
  error?: string | null;
  onClose?(): void;
  onOpen(id: string): void;
  onComplexity?(value: string, type: 'time' | 'space'): void;
}

// ResultList shows found snippets, best first, with their badges (the
// similarity scores are the search's business, not the reader's).
export function ResultList({ title, results, note, error, onClose, onOpen, onComplexity }: Props) {
  return (
    <div className="results" data-testid="search-results">
      <header className="results-head">
        <strong>{title}</strong>
        {onClose && (
          <button className="ghost" onClick={onClose} aria-label="Close results">
            ✕
          </button>
        )}
      </header>
      {note && <p className="muted pad small">{note}</p>}
      {error && <p className="form-error pad">{error}</p>}
      {results?.length === 0 && <p className="muted pad">Nothing found.</p>}
      <ul className="snippet-list">
        {results?.map((r) => (
          <li key={r.snippet_id} className="snippet" data-testid="search-result">
            <div className="snippet-row">
              <button className="ghost snippet-title" onClick={() => onOpen(r.snippet_id)} title="Load into editor">
                {r.title || 'Untitled'}
              </button>
            </div>
            {r.description && <p className="muted desc">{r.description}</p>}
            <ComplexityBadges time={r.time_complexity} space={r.space_complexity} onSelect={onComplexity} />
          </li>
        ))}
      </ul>
    </div>
  );
}

// ComplexityBadges are a snippet's Big-O badges; clicking one finds every
// snippet with that complexity.
export function ComplexityBadges({
  time,
  space,
  onSelect,
}: {
  time: string | null;
  space: string | null;
  onSelect?(value: string, type: 'time' | 'space'): void;
}) {
  if (!time && !space) return null;
  const badge = (value: string, type: 'time' | 'space') => (
    <button
      className="badge-o"
      title={`${type} complexity: show all snippets with ${value}`}
      onClick={() => onSelect?.(value, type)}
      disabled={!onSelect}
      data-testid={`${type}-complexity`}
    >
      {type} {prettyBigO(value)}
    </button>
  );
  return (
    <div className="badges">
      {time && badge(time, 'time')}
      {space && badge(space, 'space')}
    </div>
  );
}

// SimilarSnippets lists snippets like the loaded one.
export function SimilarSnippets({ onOpen }: { onOpen(id: string): void }) {
  const loaded = useLibrary((s) => s.loaded);
  const [open, setOpen] = useState(true);
  const similar = useQuery({
    queryKey: ['similar', loaded?.id, loaded?.savedCode],
    queryFn: () => similarSnippets(loaded!.id),
    enabled: !!loaded && open,
  });
  if (!loaded) return null;
  return (
    <details className="similar" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Similar to “{loaded.title}”</summary>
      <ul className="snippet-list" data-testid="similar">
        {similar.data?.similar.map((r) => (
          <li key={r.snippet_id} className="snippet">
            <div className="snippet-row">
              <button className="ghost snippet-title" onClick={() => onOpen(r.snippet_id)}>
                {r.title || 'Untitled'}
              </button>
            </div>
          </li>
        ))}
        {similar.data?.total === 0 && <li className="muted pad small">No similar snippets yet.</li>}
      </ul>
    </details>
  );
}
