import { lazy, Suspense } from 'react';
import { useAnalysis } from '../analysis';

// Markdown and KaTeX load with the first analysis, not with the page.
const Narrative = lazy(() => import('./Narrative'));
import { analyzeCode } from '../runner';
import { prettyBigO } from '../lib/bigo';

// AnalysisPanel explains the program's time and space complexity, the
// narrative streaming in as it is written.
export function AnalysisPanel() {
  const a = useAnalysis();
  const r = a.result;
  return (
    <section className="analysis" aria-label="Complexity analysis">
      <header className="analysis-head">
        <strong>Complexity</strong>
        {r && (
          <span className="badges">
            <span className="badge-o" data-testid="time-badge" title="Time complexity">
              time {prettyBigO(r.time_complexity)}
            </span>
            <span className="badge-o" data-testid="space-badge" title="Space complexity">
              space {prettyBigO(r.space_complexity)}
            </span>
          </span>
        )}
        <span className="spacer" />
        <label className="auto">
          <input type="checkbox" checked={a.auto} onChange={(e) => a.setAuto(e.target.checked)} /> after each run
        </label>
        {a.status === 'streaming' ? (
          <button onClick={a.cancel}>Cancel</button>
        ) : (
          <button onClick={() => void analyzeCode()} data-testid="analyze">
            Analyze
          </button>
        )}
      </header>
      {a.status === 'idle' && <p className="muted">Analyze estimates how the program's time and memory grow with its input.</p>}
      {a.status === 'error' && (
        <p className="form-error" role="alert">
          {a.error}
        </p>
      )}
      {(a.status === 'streaming' || a.narrative) && (
        <div className="narrative" data-testid="narrative">
          <Suspense fallback={<pre className="narrative-plain">{a.narrative}</pre>}>
            <Narrative text={a.narrative} />
          </Suspense>
        </div>
      )}
      {r && (
        <p className="muted model" data-testid="analysis-source">
          {r.source === 'local' ? 'Local estimate (no language model)' : `Model: ${r.model}`}
        </p>
      )}
    </section>
  );
}
