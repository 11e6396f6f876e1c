import { useEffect, useRef } from 'react';
import { MonacoBinding } from 'y-monaco';
import * as monaco from '../monaco';
import './CodeEditor'; // Monaco's worker, themes and Python completions
import type { Theme } from '../store';
import type { RoomClient } from '../lib/room';

interface Props {
  room: RoomClient;
  theme: Theme;
  readOnly: boolean;
  fontSize: number;
  onRun(): void;
}

// RoomEditor is the room's shared editor: Monaco bound to the room's Yjs
// text (y-monaco), with the other members' cursors and selections.
export default function RoomEditor({ room, theme, readOnly, fontSize, onRun }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const run = useRef(onRun);
  run.current = onRun;

  useEffect(() => {
    const ed = monaco.editor.create(host.current!, {
      value: '',
      language: 'python',
      theme: theme === 'dark' ? 'cr-dark' : 'cr-light',
      automaticLayout: true,
      renderFinalNewline: 'on', // the dimmed number of the last line is too faint to read
      fontSize,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      tabSize: 4,
      insertSpaces: true,
      ariaLabel: 'Shared Python code editor',
    });
    editor.current = ed;
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => run.current());
    let binding: MonacoBinding | null = null;
    const bind = () => {
      binding?.destroy();
      binding = new MonacoBinding(room.text, ed.getModel()!, new Set([ed]), room.awareness);
    };
    // The others' cursors and selections: y-monaco marks them with a class
    // per Yjs client; their colours and names come from awareness.
    const style = document.createElement('style');
    document.head.appendChild(style);
    const paint = () => {
      const rules: string[] = [];
      room.awareness.getStates().forEach((st, client) => {
        const user = (st as { user?: { name?: string; color?: string } }).user;
        if (client === room.doc.clientID || !user) return;
        const color = user.color ?? '#888';
        rules.push(
          `.yRemoteSelection-${client}{background:${color}33}`,
          `.yRemoteSelectionHead-${client}{position:absolute;border-left:2px solid ${color};height:100%;box-sizing:border-box}`,
          `.yRemoteSelectionHead-${client}::after{content:${JSON.stringify(user.name ?? '')};position:absolute;top:-1.1em;left:-2px;font-size:0.7rem;line-height:1;padding:1px 3px;background:${color};color:#fff;white-space:nowrap;border-radius:2px}`,
        );
      });
      style.textContent = rules.join('\n');
    };
    let offAwareness = () => {};
    const watch = () => {
      room.awareness.on('change', paint);
      offAwareness = () => room.awareness.off('change', paint);
      paint();
    };
    bind();
    watch();
    const off = room.onDoc(() => {
      offAwareness();
      bind();
      watch();
    }); // the room's document was replaced (a resynchronisation)
    return () => {
      off();
      offAwareness();
      style.remove();
      binding?.destroy();
      ed.dispose();
    };
  }, [room]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    editor.current?.updateOptions({ readOnly, readOnlyMessage: { value: 'The room’s owner has not let you edit.' } });
  }, [readOnly]);
  useEffect(() => {
    monaco.editor.setTheme(theme === 'dark' ? 'cr-dark' : 'cr-light');
  }, [theme]);

  return <div className="room-editor" ref={host} data-testid="room-editor" />;
}
