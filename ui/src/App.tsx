import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { AnalysisPanel } from './components/AnalysisPanel';
import { AuthModal } from './components/AuthModal';
import { PlainEditor } from './components/PlainEditor';
import { dropPythonFile, FileButtons } from './components/FileButtons';
import { focusEditor, openCode } from './commands';
import { getPublicSnippet, getSharedProgram, publicIdInPath, sharedIdInPath } from './lib/files';
import { ConnectionBadge } from './components/ConnectionBadge';
import { LoadedChip, SaveButton } from './components/LoadedChip';
import { OutputPanel } from './components/OutputPanel';
import { PaneDivider } from './components/PaneDivider';
import { SaveModal } from './components/SaveModal';
import { SnippetsSidebar } from './components/SnippetsSidebar';
import { StdinBox } from './components/StdinBox';
import { ThemeToggle } from './components/ThemeToggle';
import { Toolbar } from './components/Toolbar';
import { UserMenu } from './components/UserMenu';
import { queryClient, useLibrary } from './library';
import { useSession } from './session';
import { runCode, startConnection } from './runner';
import { useIDE } from './store';
import { RoomView, roomIdInPath } from './components/RoomView';

// Monaco (3 MB) loads after the page has painted; until then the code is in
// a plain text area that can already be edited and run.
const CodeEditor = lazy(() => import('./components/CodeEditor'));

export function App() {
  const room = roomIdInPath(location.pathname);
  return <QueryClientProvider client={queryClient}>{room ? <RoomView id={room} /> : <IDE />}</QueryClientProvider>;
}

function IDE() {
  const session = useSession((s) => s.session);
  const authOpen = useSession((s) => s.authOpen);
  const saveOpen = useLibrary((s) => s.saveOpen);
  const code = useIDE((s) => s.code);
  const setCode = useIDE((s) => s.setCode);
  const theme = useIDE((s) => s.theme);
  const result = useIDE((s) => s.run.result);
  const settings = useIDE((s) => s.settings);
  const split = useIDE((s) => s.split);

  useEffect(() => startConnection(), []);
  useEffect(() => {
    // Opened at a share link: the shared program goes into a fresh editor
    // (asking first if that would replace unsaved work).
    const id = sharedIdInPath(location.pathname);
    if (!id) return;
    history.replaceState(null, '', '/');
    getSharedProgram(id)
      .then((sh) => {
        if (openCode(sh.code)) useIDE.getState().setStdin(sh.stdin);
      })
      .catch((e) => window.alert(`Could not open the shared program: ${e instanceof Error ? e.message : e}`));
  }, []);
  useEffect(() => {
    // Opened at a public snippet's link: a copy of its code goes into a
    // fresh editor, as for a share.
    const id = publicIdInPath(location.pathname);
    if (!id) return;
    history.replaceState(null, '', '/');
    getPublicSnippet(id)
      .then((p) => openCode(p.code))
      .catch((e) => window.alert(`Could not open the snippet: ${e instanceof Error ? e.message : e}`));
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="app">
      <a className="skip-link" href="#code" onClick={() => focusEditor()}>
        Skip to the code editor
      </a>
      <header className="topbar">
        <h1>
          <span className="logo">⟨/⟩</span> Code Remote
        </h1>
        <div className="spacer" />
        <ConnectionBadge />
        <ThemeToggle />
        <UserMenu />
      </header>
      <main className="workspace" style={{ '--split': split } as React.CSSProperties}>
        <SnippetsSidebar />
        <div className="pane editor-pane" id="code" onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()} onDrop={(e) => void dropPythonFile(e)}>
          <Toolbar>
            <SaveButton />
            <FileButtons />
            <LoadedChip />
          </Toolbar>
          <Suspense fallback={<PlainEditor value={code} onChange={setCode} onRun={runCode} />}>
            <CodeEditor
              value={code}
              theme={theme}
              errorLine={result?.error_line ?? null}
              errorMessage={result ? [result.error_type, result.error].filter(Boolean).join(': ') : null}
              settings={settings}
              onChange={setCode}
              onRun={runCode}
            />
          </Suspense>
        </div>
        <PaneDivider />
        <div className="pane side-pane">
          <StdinBox />
          <OutputPanel />
          <AnalysisPanel />
        </div>
      </main>
      {authOpen && <AuthModal />}
      {saveOpen && session && <SaveModal />}
    </div>
  );
}
