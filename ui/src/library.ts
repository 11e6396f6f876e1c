import { QueryClient } from '@tanstack/react-query';
import { create } from 'zustand';
import { HttpError } from './lib/api';
import { load, save } from './lib/persist';
import type { Snippet } from './lib/snippets';
import { createSnippet, updateSnippet } from './lib/snippets';
import { useIDE } from './store';

export const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false } },
});

export const refreshSnippets = () => queryClient.invalidateQueries({ queryKey: ['snippets'] });

// The snippet loaded in the editor, and whether the editor matches it.
export interface Loaded {
  id: string;
  title: string;
  savedCode: string;
}

export type SaveState = 'saved' | 'modified' | 'saving' | 'error';

interface LibraryState {
  loaded: Loaded | null;
  saveState: SaveState;
  saveError: string | null;
  saveOpen: boolean;
  open(snippet: Snippet): void;
  eject(): void;
  saveNow(): Promise<void>;
  createFromEditor(title: string, description: string): Promise<void>;
  setSaveOpen(open: boolean): void;
  forget(id: string): void;
  rename(id: string, title: string): void;
}

const KEY = 'coderemote.loaded';
export const AUTOSAVE_DELAY_MS = 1200;
let timer: ReturnType<typeof setTimeout> | undefined;

export const useLibrary = create<LibraryState>((set, get) => ({
  loaded: load<Loaded | null>(KEY, null),
  saveState: 'saved',
  saveError: null,
  saveOpen: false,
  open(snippet) {
    const loaded = { id: snippet.id, title: snippet.title ?? 'Untitled', savedCode: snippet.code };
    save(KEY, loaded);
    set({ loaded, saveState: 'saved', saveError: null });
    useIDE.getState().setCode(snippet.code);
    useIDE.getState().setExample(null);
  },
  eject() {
    clearTimeout(timer);
    save(KEY, null);
    set({ loaded: null, saveState: 'saved', saveError: null });
  },
  async saveNow() {
    clearTimeout(timer);
    const { loaded } = get();
    if (!loaded) return;
    const code = useIDE.getState().code;
    if (code === loaded.savedCode) {
      set({ saveState: 'saved' });
      return;
    }
    if (code === '') {
      set({ saveState: 'error', saveError: 'An empty program is not saved' });
      return;
    }
    set({ saveState: 'saving', saveError: null });
    try {
      await updateSnippet(loaded.id, { code });
      const now = get().loaded;
      if (!now || now.id !== loaded.id) return;
      const next = { ...now, savedCode: code };
      save(KEY, next);
      set({ loaded: next, saveState: useIDE.getState().code === code ? 'saved' : 'modified' });
      void refreshSnippets();
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) {
        get().eject(); // deleted elsewhere
        return;
      }
      set({ saveState: 'error', saveError: e instanceof Error ? e.message : 'Could not save' });
    }
  },
  async createFromEditor(title, description) {
    const created = await createSnippet({ code: useIDE.getState().code, title, description: description || null });
    get().open(created);
    set({ saveOpen: false });
    void refreshSnippets();
  },
  setSaveOpen: (saveOpen) => set({ saveOpen }),
  forget(id) {
    if (get().loaded?.id === id) get().eject();
  },
  rename(id, title) {
    const { loaded } = get();
    if (loaded?.id === id) set({ loaded: { ...loaded, title } });
  },
}));

// Autosave: every edit of a loaded snippet is saved after a pause.
useIDE.subscribe((state, prev) => {
  if (state.code === prev.code) return;
  const { loaded, saveState } = useLibrary.getState();
  if (!loaded) return;
  if (state.code === loaded.savedCode) {
    if (saveState === 'modified') useLibrary.setState({ saveState: 'saved' });
    clearTimeout(timer);
    return;
  }
  if (saveState !== 'saving') useLibrary.setState({ saveState: 'modified' });
  clearTimeout(timer);
  timer = setTimeout(() => void useLibrary.getState().saveNow(), AUTOSAVE_DELAY_MS);
});

// ...and after each successful run.
useIDE.subscribe((state, prev) => {
  if (state.run.status === 'done' && prev.run.status !== 'done' && state.run.result?.success) {
    void useLibrary.getState().saveNow();
  }
});
