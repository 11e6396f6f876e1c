// PlainEditor stands in for Monaco while it loads: the code, editable, with
// Ctrl/Cmd+Enter to run.
export function PlainEditor({ value, onChange, onRun }: { value: string; onChange(v: string): void; onRun(): void }) {
  return (
    <div className="editor editor-loading" data-testid="editor-loading">
      <textarea
        value={value}
        spellCheck={false}
        aria-label="Python code editor (loading the full editor)"
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onRun();
          }
        }}
      />
      <span className="loading-note" aria-live="polite">
        Loading the editor…
      </span>
    </div>
  );
}
