import { DEFAULT_SETTINGS, useIDE } from '../store';
import { Modal } from './Modal';

// SettingsModal holds the editor's preferences; they apply at once and are
// kept in this browser.
export function SettingsModal({ onClose }: { onClose(): void }) {
  const settings = useIDE((s) => s.settings);
  const set = useIDE((s) => s.setSettings);
  return (
    <Modal title="Editor settings" onClose={onClose}>
      <form className="settings" onSubmit={(e) => e.preventDefault()}>
        <label>
          Font size
          <input
            type="number"
            min={10}
            max={32}
            value={settings.fontSize}
            data-testid="setting-font-size"
            onChange={(e) => {
              const n = Math.round(Number(e.target.value));
              if (n >= 10 && n <= 32) set({ fontSize: n });
            }}
          />
        </label>
        <label>
          Tab size
          <select value={settings.tabSize} data-testid="setting-tab-size" onChange={(e) => set({ tabSize: Number(e.target.value) as 2 | 4 | 8 })}>
            <option value={2}>2 spaces</option>
            <option value={4}>4 spaces</option>
            <option value={8}>8 spaces</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={settings.wordWrap} data-testid="setting-word-wrap" onChange={(e) => set({ wordWrap: e.target.checked })} />
          Wrap long lines
        </label>
        <label className="check">
          <input type="checkbox" checked={settings.lint} data-testid="setting-lint" onChange={(e) => set({ lint: e.target.checked })} />
          Lint as I type (Ruff)
        </label>
        <label className="check">
          <input type="checkbox" checked={settings.vim} data-testid="setting-vim" onChange={(e) => set({ vim: e.target.checked })} />
          Vim keys
        </label>
        <p>
          <button type="button" onClick={() => set(DEFAULT_SETTINGS)}>
            Restore defaults
          </button>
        </p>
      </form>
    </Modal>
  );
}
