import { useIDE } from '../store';

// StdinBox is input given to the program up front; when it runs out, the
// output panel asks for more.
export function StdinBox() {
  const stdin = useIDE((s) => s.stdin);
  const setStdin = useIDE((s) => s.setStdin);
  return (
    <details className="stdin">
      <summary>Standard input{stdin ? ` (${stdin.split('\n').length} lines)` : ''}</summary>
      <textarea
        value={stdin}
        onChange={(e) => setStdin(e.target.value)}
        placeholder="Lines for input() to read before it asks you"
        aria-label="Standard input"
        spellCheck={false}
      />
    </details>
  );
}
