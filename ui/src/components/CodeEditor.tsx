import { useEffect, useRef } from 'react';
import * as monaco from '../monaco';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import type { EditorSettings, Theme } from '../store';
import { useIDE } from '../store';
import { saveEditor, setEditorFocus, setEditorFormat } from '../commands';
import { registerPythonCompletions } from '../lib/pythonCompletions';
import { api } from '../lib/api';
import { format, lint, ruffRequested } from '../lib/ruff';
import { focusNext } from '../lib/focus';

interface Problem {
  line: number;
  message: string;
  kind: 'violation' | 'syntax';
}

registerPythonCompletions(monaco);

// Format Document (Shift+Alt+F, the command palette, the context menu and
// the toolbar's Format) is Ruff's formatter. Code that does not parse is
// left as it is, with the reason shown.
monaco.languages.registerDocumentFormattingEditProvider('python', {
  displayName: 'Ruff',
  async provideDocumentFormattingEdits(model) {
    const before = model.getValue();
    try {
      const after = await format(before);
      useIDE.getState().setNotice(null);
      if (after === before || model.getValue() !== before) return [];
      return [{ range: model.getFullModelRange(), text: after }];
    } catch (e) {
      const why = String(e instanceof Error ? e.message : e).split('\n')[0];
      useIDE.getState().setNotice(`Not formatted: ${why}`);
      return [];
    }
  },
});

// Monaco's themes with colours that meet WCAG AA contrast (4.5:1) on their
// backgrounds: comments and line numbers are too faint in the stock ones.
monaco.editor.defineTheme('cr-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [{ token: 'comment', foreground: '7FB069' }],
  colors: { 'editorLineNumber.foreground': '#9D9D9D', 'editorLineNumber.activeForeground': '#E0E0E0' },
});
monaco.editor.defineTheme('cr-light', {
  base: 'vs',
  inherit: true,
  rules: [{ token: 'comment', foreground: '2E7D32' }],
  colors: { 'editorLineNumber.foreground': '#5F6B73', 'editorLineNumber.activeForeground': '#1F2328' },
});
const monacoTheme = (t: Theme) => (t === 'dark' ? 'cr-dark' : 'cr-light');

// Monaco is bundled with the app: its one worker comes from our own origin.
(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

interface Props {
  value: string;
  theme: Theme;
  errorLine: number | null;
  errorMessage: string | null;
  settings: EditorSettings;
  onChange(value: string): void;
  onRun(): void;
}

// CodeEditor is the Python editor. Ctrl/Cmd+Enter runs the program; the
// line of the last error is marked.
export default function CodeEditor({ value, theme, errorLine, errorMessage, settings, onChange, onRun }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const vimStatus = useRef<HTMLDivElement>(null);
  const vimKey = useRef<monaco.editor.IContextKey<boolean> | null>(null);
  const initial = useRef(value);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const handlers = useRef({ onChange, onRun });
  handlers.current = { onChange, onRun };

  useEffect(() => {
    const ed = monaco.editor.create(host.current!, {
      value,
      language: 'python',
      theme: monacoTheme(theme),
      renderFinalNewline: 'on',
      automaticLayout: true,
      fontSize: settings.fontSize,
      wordWrap: settings.wordWrap ? 'on' : 'off',
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      tabSize: settings.tabSize,
      detectIndentation: false,
      insertSpaces: true,
      ariaLabel: 'Python code editor',
    });
    editor.current = ed;
    vimKey.current = ed.createContextKey('coderemote.vim', false);
    decorations.current = ed.createDecorationsCollection();
    ed.onDidChangeModelContent(() => {
      // An edit makes the last run's error marker stale.
      const model = ed.getModel();
      if (model) monaco.editor.setModelMarkers(model, 'run', []);
      decorations.current?.clear();
      handlers.current.onChange(ed.getValue());
    });
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => handlers.current.onRun());
    // In Vim mode monaco-vim takes every key in normal mode before the
    // editor's commands see it, but leaves alone what an earlier listener
    // has handled: Run, Save and the tab focus mode (the way out of the
    // editor by keyboard, as Escape is Vim's) keep their keys there too.
    const toggleTabFocus = () => ed.updateOptions({ tabFocusMode: !ed.getOption(monaco.editor.EditorOption.tabFocusMode) });
    ed.onKeyDown((e) => {
      if (!vimKey.current?.get()) return;
      if (e.keyCode === monaco.KeyCode.Tab && !e.ctrlKey && !e.metaKey && !e.altKey && ed.getOption(monaco.editor.EditorOption.tabFocusMode)) {
        // Vim would take Tab too: move the focus as the browser would.
        e.preventDefault();
        e.stopPropagation();
        focusNext(ed.getDomNode()!, e.shiftKey);
        return;
      }
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      let action: (() => void) | null = null;
      if (e.keyCode === monaco.KeyCode.KeyM && e.ctrlKey) action = toggleTabFocus; // Ctrl+M, or Ctrl+Shift+M on a Mac
      else if (!e.shiftKey && e.keyCode === monaco.KeyCode.Enter) action = handlers.current.onRun;
      else if (!e.shiftKey && e.keyCode === monaco.KeyCode.KeyS) action = saveEditor;
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      action();
    });
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveEditor());
    // Shift+Alt+F formats everywhere (Monaco binds it to Ctrl+Shift+I on
    // Linux only).
    ed.addCommand(monaco.KeyMod.Shift | monaco.KeyMod.Alt | monaco.KeyCode.KeyF, () => {
      void ed.getAction('editor.action.formatDocument')?.run();
    });
    // Escape leaves the editor (when no widget is open) for the Run button;
    // Ctrl+M (Ctrl+Shift+M on a Mac) switches Tab to moving focus.
    ed.addCommand(
      monaco.KeyCode.Escape,
      () => document.querySelector<HTMLElement>('[data-testid="run"]')?.focus(),
      'editorTextFocus && !suggestWidgetVisible && !findWidgetVisible && !renameInputVisible && !parameterHintsVisible && !inSnippetMode && !editorHasMultipleSelections && !markersNavigationVisible && !coderemote.vim',
    );
    setEditorFocus(() => ed.focus());
    setEditorFormat(() => {
      void ed.getAction('editor.action.formatDocument')?.run();
    });
    ed.focus();
    return () => {
      setEditorFocus(null);
      setEditorFormat(null);
      ed.dispose();
    };
    // The editor is created once; later value changes come from typing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    monaco.editor.setTheme(monacoTheme(theme));
  }, [theme]);

  useEffect(() => {
    const ed = editor.current;
    if (!ed) return;
    ed.updateOptions({ fontSize: settings.fontSize, wordWrap: settings.wordWrap ? 'on' : 'off' });
    ed.getModel()?.updateOptions({ tabSize: settings.tabSize, indentSize: settings.tabSize, insertSpaces: true });
  }, [settings.fontSize, settings.wordWrap, settings.tabSize]);

  // Vim keys (monaco-vim, loaded when first switched on); its mode and
  // pending command show in a status line under the editor.
  useEffect(() => {
    const ed = editor.current;
    if (!ed || !settings.vim) return;
    let vim: { dispose(): void } | null = null;
    let cancelled = false;
    void import('monaco-vim').then(({ initVimMode }) => {
      if (cancelled) return;
      vim = initVimMode(ed, vimStatus.current);
      vimKey.current?.set(true);
    });
    return () => {
      cancelled = true;
      vim?.dispose();
      vimKey.current?.set(false);
      if (vimStatus.current) vimStatus.current.textContent = '';
    };
  }, [settings.vim]);

  // Ruff's lint as you type (pyflakes and pycodestyle's errors: undefined
  // names, unused imports, …), as warnings beside the sandbox's own markers.
  // Ruff loads at the first edit, not with the page.
  useEffect(() => {
    const model = editor.current?.getModel();
    if (!settings.lint) {
      if (model) monaco.editor.setModelMarkers(model, 'ruff', []);
      return;
    }
    if (value === initial.current && !ruffRequested()) return;
    let cancelled = false;
    const t = setTimeout(() => {
      lint(value)
        .then((found) => {
          const model = editor.current?.getModel();
          if (cancelled || !model || model.getValue() !== value) return;
          monaco.editor.setModelMarkers(
            model,
            'ruff',
            found.map((p) => ({
              severity: monaco.MarkerSeverity.Warning,
              message: p.message,
              source: 'Ruff',
              code: p.code,
              tags: p.unnecessary ? [monaco.MarkerTag.Unnecessary] : [],
              startLineNumber: p.startLine,
              startColumn: p.startColumn,
              endLineNumber: p.endLine,
              endColumn: p.endColumn,
            })),
          );
        })
        .catch(() => {}); // Ruff did not load: the sandbox's markers remain
    }, 400);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [value, settings.lint]);

  // While you type: what the sandbox would refuse, and lines that are not
  // Python, marked before any run (POST /check, half a second after the
  // last keystroke).
  useEffect(() => {
    const ctl = new AbortController();
    const t = setTimeout(() => {
      api<{ problems: Problem[] }>('POST', '/check', { code: value }, ctl.signal)
        .then(({ problems }) => {
          const model = editor.current?.getModel();
          if (!model || model.getValue() !== value) return;
          monaco.editor.setModelMarkers(
            model,
            'check',
            problems
              .filter((p) => p.line >= 1 && p.line <= model.getLineCount())
              .map((p) => ({
                severity: p.kind === 'violation' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
                message: p.kind === 'violation' ? `${p.message} in this sandbox` : p.message,
                source: 'Code Remote',
                startLineNumber: p.line,
                endLineNumber: p.line,
                startColumn: model.getLineFirstNonWhitespaceColumn(p.line) || 1,
                endColumn: model.getLineMaxColumn(p.line),
              })),
          );
        })
        .catch(() => {}); // offline or refused: no live markers, Run still reports
    }, 500);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [value]);

  useEffect(() => {
    const ed = editor.current;
    if (ed && ed.getValue() !== value) ed.setValue(value);
  }, [value]);

  useEffect(() => {
    const ed = editor.current;
    const model = ed?.getModel();
    if (!ed || !model) return;
    if (errorLine === null || errorLine < 1 || errorLine > model.getLineCount()) {
      decorations.current?.clear();
      monaco.editor.setModelMarkers(model, 'run', []);
      return;
    }
    decorations.current?.set([
      {
        range: new monaco.Range(errorLine, 1, errorLine, 1),
        options: { isWholeLine: true, className: 'error-line', glyphMarginClassName: 'error-glyph' },
      },
    ]);
    monaco.editor.setModelMarkers(model, 'run', [
      {
        severity: monaco.MarkerSeverity.Error,
        message: errorMessage ?? 'Error',
        startLineNumber: errorLine,
        endLineNumber: errorLine,
        startColumn: model.getLineFirstNonWhitespaceColumn(errorLine) || 1,
        endColumn: model.getLineMaxColumn(errorLine),
      },
    ]);
    ed.revealLineInCenterIfOutsideViewport(errorLine);
  }, [errorLine, errorMessage]);

  return (
    <>
      <div className="editor" ref={host} data-testid="editor" />
      {settings.vim && <div className="vim-status" ref={vimStatus} data-testid="vim-status" aria-live="polite" />}
    </>
  );
}
