import { useEffect, useRef, useState } from 'react';
import { sendEOF, sendInput } from '../runner';
import { focusEditor } from '../commands';

// InputPrompt appears in the output when the program waits in input().
export function InputPrompt() {
  const [line, setLine] = useState('');
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const el = field.current;
    el?.focus();
    // When the program stops waiting, the keyboard goes back to the code
    // (if it was here), so Ctrl+Enter runs again without a click.
    return () => {
      if (!document.activeElement || document.activeElement === el || document.activeElement === document.body) focusEditor();
    };
  }, []);
  return (
    <form
      className="input-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        sendInput(line);
        setLine('');
      }}
    >
      <span aria-hidden>›</span>
      <input
        ref={field}
        value={line}
        onChange={(e) => setLine(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'd' && e.ctrlKey) {
            e.preventDefault();
            sendEOF();
          }
        }}
        aria-label="Program input"
        placeholder="Type a line and press Enter (Ctrl+D ends input)"
        data-testid="stdin-prompt"
      />
    </form>
  );
}
