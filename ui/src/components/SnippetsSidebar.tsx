import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { refreshSnippets, useLibrary } from '../library';
import { load, save } from '../lib/persist';
import type { SnippetSummary } from '../lib/snippets';
import { deleteSnippet, displayTitle, getSnippet, listSnippets, searchByComplexity, searchSnippets, updateSnippet } from '../lib/snippets';
import { ComplexityBadges, ResultList, SimilarSnippets } from './SearchResults';
import type { Finding } from './SearchResults';
import { relativeTime } from '../lib/time';
import { useSession } from '../session';
import { hasUnsavedWork } from '../commands';
import { api } from '../lib/api';


function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

// openSnippet loads a snippet into the editor. Edits to the snippet loaded
// now are saved first (autosave would have); other unsaved work is only
// replaced after asking.
async function openSnippet(id: string): Promise<void> {
  if (useLibrary.getState().loaded && hasUnsavedWork()) await useLibrary.getState().saveNow();
  if (hasUnsavedWork() && !window.confirm('Replace the code in the editor? Your unsaved changes will be lost.')) return;
  useLibrary.getState().open(await getSnippet(id));
}

// FindingView runs a search or a complexity filter and shows its results.
function FindingView({ finding, onClose, onComplexity }: { finding: Finding; onClose(): void; onComplexity(v: string, t: 'time' | 'space'): void }) {
  const q = useQuery({
    queryKey: ['find', finding],
    queryFn: async () =>
      finding.kind === 'search'
        ? searchSnippets(finding.q)
        : { ...(await searchByComplexity(finding.value, finding.type)), method: 'complexity' },
  });
  const title = finding.kind === 'search' ? `Results for “${finding.q}”` : `${finding.type} ${finding.value}`;
  const note = q.data && 'method' in q.data && finding.kind === 'search' ? `method: ${q.data.method}` : undefined;
  return (
    <ResultList
      title={title}
      note={note}
      results={q.data?.results}
      error={q.isError ? (q.error as Error).message : null}
      onClose={onClose}
      onOpen={(id) => void openSnippet(id)}
      onComplexity={onComplexity}
    />
  );
}

// SnippetsSidebar is the user's snippet library.
export function SnippetsSidebar() {
  const session = useSession((s) => s.session);
  const openAuth = useSession((s) => s.openAuth);
  const [collapsed, setCollapsed] = useState(() => load('coderemote.sidebar.collapsed', false));
  const [filter, setFilter] = useState('');
  const [question, setQuestion] = useState('');
  const [finding, setFinding] = useState<Finding | null>(null);
  // Offline the server searches by keywords (with a vocabulary of concepts);
  // with Gemini embeddings, by meaning.
  const status = useQuery({
    queryKey: ['analyze-status'],
    queryFn: () => api<{ search?: string }>('GET', '/analyze/status'),
    staleTime: Infinity,
  });
  const searchKind = status.data?.search === 'meaning' ? 'meaning' : 'keyword';
  const byComplexity = (value: string, type: 'time' | 'space') => setFinding({ kind: 'complexity', value, type });
  const q = useDebounced(filter, 250);
  const list = useInfiniteQuery({
    queryKey: ['snippets', session?.user.id, q],
    queryFn: ({ pageParam, signal }) => listSnippets(q, pageParam, signal),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.items.length < last.total ? last.offset + last.items.length : undefined),
    enabled: !!session,
  });
  const toggle = () => {
    save('coderemote.sidebar.collapsed', !collapsed);
    setCollapsed(!collapsed);
  };
  const total = list.data?.pages[0]?.total;
  if (collapsed) {
    return (
      <aside className="sidebar collapsed">
        <button className="ghost" onClick={toggle} aria-label="Show snippets" title="Show snippets">
          ☰
        </button>
      </aside>
    );
  }
  return (
    <aside className="sidebar" aria-label="Snippets">
      <header className="sidebar-head">
        <strong>
          Snippets{session && total !== undefined && <span className="count" data-testid="snippet-count"> {total}</span>}
        </strong>
        <button className="ghost" onClick={toggle} aria-label="Hide snippets" title="Hide snippets">
          ⟨
        </button>
      </header>
      {!session ? (
        <div className="sidebar-empty">
          <p>Sign in to save your programs and find them again.</p>
          <button onClick={() => openAuth()}>Sign in</button>
        </div>
      ) : (
        <>
          <input
            className="filter"
            placeholder={`${searchKind === 'meaning' ? 'Search by meaning' : 'Keyword search'}, then Enter`}
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && question.trim().length >= 3) setFinding({ kind: 'search', q: question.trim() });
            }}
            aria-label={searchKind === 'meaning' ? 'Search snippets by meaning' : 'Search snippets by keyword'}
          />
          {finding && <FindingView finding={finding} onClose={() => setFinding(null)} onComplexity={byComplexity} />}
          <input
            className="filter"
            placeholder="Filter by title or description"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            aria-label="Filter snippets"
          />
          {list.isError && <p className="form-error">{(list.error as Error).message}</p>}
          <ul className="snippet-list">
            {list.data?.pages.flatMap((p) => p.items).map((s) => (
              <SnippetItem key={s.id} snippet={s} onComplexity={byComplexity} />
            ))}
          </ul>
          {list.isSuccess && total === 0 && <p className="muted pad">{q ? 'No snippet matches.' : 'No snippets yet: press Save.'}</p>}
          {list.hasNextPage && (
            <button className="more" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
          <SimilarSnippets onOpen={(id) => void openSnippet(id)} />
        </>
      )}
    </aside>
  );
}

function SnippetItem({ snippet, onComplexity }: { snippet: SnippetSummary; onComplexity(v: string, t: 'time' | 'space'): void }) {
  const [expanded, setExpanded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loadedId = useLibrary((s) => s.loaded?.id);
  const full = useQuery({ queryKey: ['snippet', snippet.id, snippet.updated_at], queryFn: () => getSnippet(snippet.id), enabled: expanded });
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Failed');
    }
  };
  const open = () => act(() => openSnippet(snippet.id));
  const remove = () =>
    act(async () => {
      if (!window.confirm(`Delete “${displayTitle(snippet)}”? This cannot be undone.`)) return;
      await deleteSnippet(snippet.id);
      useLibrary.getState().forget(snippet.id);
      await refreshSnippets();
    });
  const [copied, setCopied] = useState(false);
  const publicURL = new URL(`/p/${snippet.id}`, location.origin).toString();
  const setPublic = (on: boolean) =>
    act(async () => {
      await updateSnippet(snippet.id, { is_public: on });
      await refreshSnippets();
    });
  const star = () =>
    act(async () => {
      await updateSnippet(snippet.id, { is_starred: !snippet.is_starred });
      await refreshSnippets();
    });
  return (
    <li className={`snippet ${loadedId === snippet.id ? 'current' : ''}`} data-testid="snippet">
      <div className="snippet-row">
        <button className="ghost star" onClick={star} aria-label={snippet.is_starred ? 'Unstar' : 'Star'} aria-pressed={snippet.is_starred}>
          {snippet.is_starred ? '★' : '☆'}
        </button>
        <button className="ghost snippet-title" onClick={() => setExpanded(!expanded)} aria-expanded={expanded}>
          {displayTitle(snippet)}
        </button>
        <span className="muted when" title={new Date(snippet.updated_at).toLocaleString()}>
          {relativeTime(snippet.updated_at)}
        </span>
      </div>
      {snippet.description && <p className="muted desc">{snippet.description}</p>}
      {snippet.execution_count > 0 && (
        <p className="muted desc small" data-testid="run-count">
          Run {snippet.execution_count === 1 ? 'once' : `${snippet.execution_count} times`}
          {snippet.last_execution_at ? `, last ${relativeTime(snippet.last_execution_at)}` : ''}
        </p>
      )}
      <ComplexityBadges time={snippet.time_complexity} space={snippet.space_complexity} onSelect={onComplexity} />
      {expanded && (
        <div className="preview">
          <pre>{full.data ? full.data.code.split('\n').slice(0, 12).join('\n') : 'Loading…'}</pre>
          <div className="preview-actions">
            <button className="primary" onClick={() => void open()}>
              Load into editor
            </button>
            <button onClick={() => void setPublic(!snippet.is_public)} data-testid="toggle-public" title={snippet.is_public ? 'Only you will see it' : 'Anyone with the link can open a copy; your edits show through'}>
              {snippet.is_public ? 'Make private' : 'Make public'}
            </button>
            <button onClick={() => void remove()}>Delete</button>
          </div>
          {snippet.is_public && (
            <div className="public-link">
              <input readOnly value={publicURL} aria-label="Public link" data-testid="public-link" onFocus={(e) => e.target.select()} />
              <button
                onClick={() =>
                  void navigator.clipboard?.writeText(publicURL).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  )
                }
              >
                {copied ? 'Copied' : 'Copy'}
              </button>
            </div>
          )}
        </div>
      )}
      {error && <p className="form-error">{error}</p>}
    </li>
  );
}
