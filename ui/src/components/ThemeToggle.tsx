import { useIDE } from '../store';

export function ThemeToggle() {
  const theme = useIDE((s) => s.theme);
  const toggle = useIDE((s) => s.toggleTheme);
  return (
    <button className="ghost" onClick={toggle} aria-label="Switch theme" title="Switch between dark and light">
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
