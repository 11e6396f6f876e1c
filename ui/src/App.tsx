import { useEffect } from 'react';
import { CodeEditor } from './components/CodeEditor';
import { ConnectionBadge } from './components/ConnectionBadge';
import { OutputPanel } from './components/OutputPanel';
import { StdinBox } from './components/StdinBox';
import { ThemeToggle } from './components/ThemeToggle';
import { Toolbar } from './components/Toolbar';
import { runCode, startConnection } from './runner';
import { useIDE } from './store';

export function App() {
  const code = useIDE((s) => s.code);
  const setCode = useIDE((s) => s.setCode);
  const theme = useIDE((s) => s.theme);
  const result = useIDE((s) => s.run.result);

  useEffect(() => startConnection(), []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="app">
      <header className="topbar">
        <h1>
          <span className="logo">⟨/⟩</span> Code Remote
        </h1>
        <div className="spacer" />
        <ConnectionBadge />
        <ThemeToggle />
      </header>
      <main className="workspace">
        <div className="pane editor-pane">
          <Toolbar />
          <CodeEditor
            value={code}
            theme={theme}
            errorLine={result?.error_line ?? null}
            errorMessage={result ? [result.error_type, result.error].filter(Boolean).join(': ') : null}
            onChange={setCode}
            onRun={runCode}
          />
        </div>
        <div className="pane side-pane">
          <StdinBox />
          <OutputPanel />
        </div>
      </main>
    </div>
  );
}
