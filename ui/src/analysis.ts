import { create } from 'zustand';
import { api } from './lib/api';
import { load, save } from './lib/persist';

export interface AnalysisResult {
  success: boolean;
  time_complexity: string | null;
  space_complexity: string | null;
  narrative: string;
  error: string | null;
  available: boolean;
  model: string;
  source: 'gemini' | 'local';
  algorithms?: string[];
}

type Status = 'idle' | 'streaming' | 'done' | 'error';

interface AnalysisState {
  status: Status;
  jobId: string | null;
  narrative: string;
  result: AnalysisResult | null;
  error: string | null;
  auto: boolean;
  setAuto(auto: boolean): void;
  begin(jobId: string | null): void;
  adopt(jobId: string): void;
  chunk(jobId: string, text: string): void;
  complete(jobId: string, result: AnalysisResult): void;
  fail(jobId: string | null, error: string): void;
  cancel(): void;
}

// useAnalysis is the complexity panel's state. Results of an analysis that
// was cancelled (or superseded) are ignored by job id.
export const useAnalysis = create<AnalysisState>((set, get) => ({
  status: 'idle',
  jobId: null,
  narrative: '',
  result: null,
  error: null,
  auto: load('coderemote.autoAnalyze', false),
  setAuto(auto) {
    save('coderemote.autoAnalyze', auto);
    set({ auto });
  },
  // begin starts an analysis; with a null id, the id comes with the
  // stream's first message (which may arrive before the HTTP answer).
  begin: (jobId) => set({ status: 'streaming', jobId, narrative: '', result: null, error: null }),
  adopt(jobId) {
    if (get().status === 'streaming' && get().jobId === null) set({ jobId });
  },
  chunk(jobId, text) {
    if (get().jobId === jobId) set({ narrative: get().narrative + text });
  },
  complete(jobId, result) {
    if (get().jobId === jobId) set({ status: 'done', result, narrative: result.narrative });
  },
  fail(jobId, error) {
    if (jobId === null || get().jobId === jobId) set({ status: 'error', error });
  },
  cancel() {
    if (get().status === 'streaming') set({ status: get().result ? 'done' : 'idle', jobId: null });
  },
}));

// analyzeOverHTTP is the fallback when no WebSocket is open.
export async function analyzeOverHTTP(code: string, snippetId?: string): Promise<AnalysisResult> {
  return api<AnalysisResult>('POST', '/analyze', { code, snippet_id: snippetId });
}
