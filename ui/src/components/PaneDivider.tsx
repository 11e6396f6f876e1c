import { useRef } from 'react';
import { useIDE } from '../store';

// PaneDivider is the handle between the editor and the output: drag it, or
// focus it and use the arrow keys (Home/End for the limits). The split is
// kept in this browser. Narrow screens stack the panes and hide it.
export function PaneDivider() {
  const split = useIDE((s) => s.split);
  const setSplit = useIDE((s) => s.setSplit);
  const dragging = useRef(false);
  const fromPointer = (e: React.PointerEvent<HTMLDivElement>) => {
    const box = e.currentTarget.parentElement!.getBoundingClientRect();
    setSplit((box.right - e.clientX) / box.width);
  };
  return (
    <div
      className="pane-divider"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the editor and output panes"
      aria-valuemin={20}
      aria-valuemax={80}
      aria-valuenow={Math.round((1 - split) * 100)}
      tabIndex={0}
      data-testid="pane-divider"
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
        e.preventDefault();
      }}
      onPointerMove={(e) => dragging.current && fromPointer(e)}
      onPointerUp={() => (dragging.current = false)}
      onPointerCancel={() => (dragging.current = false)}
      onDoubleClick={() => setSplit(0.4)}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 0.1 : 0.02;
        const moves: Record<string, number> = { ArrowLeft: split + step, ArrowRight: split - step, Home: 0.8, End: 0.2 };
        if (e.key in moves) {
          e.preventDefault();
          setSplit(moves[e.key]);
        }
      }}
    />
  );
}
