import { useIDE } from '../store';

// ThemeToggle switches between the dark and light themes; its name is its
// visible text ("Light theme" while dark), as screen readers and voice
// control expect.
export function ThemeToggle() {
  const theme = useIDE((s) => s.theme);
  const toggle = useIDE((s) => s.toggleTheme);
  return (
    <button className="ghost" onClick={toggle} title="Switch between dark and light" data-testid="theme-toggle">
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span> <span className="theme-label">{theme === 'dark' ? 'Light theme' : 'Dark theme'}</span>
    </button>
  );
}
