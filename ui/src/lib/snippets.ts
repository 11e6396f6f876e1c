import { api } from './api';

export interface SnippetSummary {
  id: string;
  title: string | null;
  language: string;
  description: string | null;
  execution_count: number;
  is_starred: boolean;
  is_public: boolean;
  time_complexity: string | null;
  space_complexity: string | null;
  last_execution_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Snippet extends SnippetSummary {
  code: string;
}

export interface SnippetPage {
  items: SnippetSummary[];
  total: number;
  limit: number;
  offset: number;
}

export const PAGE_SIZE = 20;

export function listSnippets(q: string, offset: number, signal?: AbortSignal): Promise<SnippetPage> {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
  if (q.trim()) params.set('q', q.trim());
  return api<SnippetPage>('GET', `/snippets?${params}`, undefined, signal);
}

export const getSnippet = (id: string) => api<Snippet>('GET', `/snippets/${id}`);

export const createSnippet = (s: { code: string; title: string; description?: string | null }) =>
  api<Snippet>('POST', '/snippets', s);

export const updateSnippet = (id: string, patch: Partial<Pick<Snippet, 'code' | 'title' | 'description' | 'is_starred' | 'is_public'>>) =>
  api<Snippet>('PUT', `/snippets/${id}`, patch);

export const deleteSnippet = (id: string) => api<{ deleted: boolean; id: string }>('DELETE', `/snippets/${id}`);

// displayTitle is what a snippet is called in lists.
export function displayTitle(s: { title: string | null }): string {
  return s.title?.trim() || 'Untitled';
}

export interface SearchResult {
  snippet_id: string;
  title: string;
  language: string;
  description: string;
  time_complexity: string | null;
  space_complexity: string | null;
  score: number;
}

export const searchSnippets = (q: string) =>
  api<{ query: string; results: SearchResult[]; method: string; total: number }>('GET', `/search?q=${encodeURIComponent(q)}&limit=20`);

export const searchByComplexity = (complexity: string, type: 'time' | 'space') =>
  api<{ results: SearchResult[]; total: number }>(
    'GET',
    `/search/complexity?complexity=${encodeURIComponent(complexity)}&type=${type}&limit=50`,
  );

export const similarSnippets = (id: string) =>
  api<{ similar: SearchResult[]; total: number }>('GET', `/search/similar/${id}?limit=5`);
