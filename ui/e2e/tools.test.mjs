// End-to-end: Ruff's Format and lint, the editor's settings, the Examples
// menu, the resizable panes and the phone-sized layout, in a real Chromium
// against the real binary.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setCode, setup } from './harness.mjs';

const env = setup();

async function openIDE(viewport = { width: 1280, height: 800 }, options = {}) {
  const context = await env.browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.errors = errors;
  await page.goto(env.server.url);
  await page.getByTestId('connection').getByText('Live').waitFor();
  await page.locator('.monaco-editor').waitFor();
  return page;
}

const editorText = async (page) => (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
const stored = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('coderemote.buffer')));

describe('editor tools', () => {
  test('Format (the button and Shift+Alt+F) rewrites badly formatted code as Ruff does', async () => {
    const page = await openIDE();
    await setCode(page, "x=[1,2,\n3]\ndef f( a,b ):\n  return {'a':a,'b':b}\nprint( f(x,2) )\n");
    await page.getByTestId('format').click();
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('coderemote.buffer')).includes('def f(a, b):'));
    assert.equal(await stored(page), 'x = [1, 2, 3]\n\n\ndef f(a, b):\n    return {"a": a, "b": b}\n\n\nprint(f(x, 2))\n');
    // Undo puts it back; the keyboard shortcut formats again.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Z');
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('coderemote.buffer')).startsWith('x=[1,2,'), null, { timeout: 3000 }).catch(async (e) => {
      throw new Error(`after undo: ${JSON.stringify(await stored(page))}: ${e.message}`);
    });
    await page.keyboard.press('Shift+Alt+F');
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('coderemote.buffer')).startsWith('x = [1, 2, 3]'));
    // Code that does not parse is left alone, with the reason.
    await setCode(page, 'def f(:\n  pass\n');
    await page.getByTestId('format').click();
    await page.getByTestId('notice').getByText(/Not formatted/).waitFor();
    assert.equal(await stored(page), 'def f(:\n  pass\n');
    // The program still runs as formatted code would.
    await setCode(page, "print( 'formatted' )\n");
    await page.getByTestId('format').click();
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('coderemote.buffer')) === 'print("formatted")\n');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("Ruff's lint marks an undefined name and an unused import while typing", async () => {
    const page = await openIDE();
    await setCode(page, 'import math\nprint(totl)\n');
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor();
    await page.locator('.monaco-editor .view-line').filter({ hasText: 'print(totl)' }).getByText('totl').hover();
    await page.locator('.monaco-hover').getByText(/Undefined name `totl`/).first().waitFor();
    // Switched off in the settings, the markers go.
    await page.getByTestId('settings').click();
    await page.getByTestId('setting-lint').uncheck();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.monaco-editor .squiggly-warning'));
    await page.context().close();
  });

  test('settings: font size, tab size, word wrap and Vim keys apply at once and survive a reload', async () => {
    const page = await openIDE();
    await setCode(page, 'def f():\n    return 1\nprint(f())\n');
    const lineHeight = () => page.locator('.monaco-editor .view-line').first().evaluate((el) => el.getBoundingClientRect().height);
    const before = await lineHeight();
    await page.getByTestId('settings').click();
    await page.getByTestId('setting-font-size').fill('20');
    await page.getByTestId('setting-tab-size').selectOption('2');
    await page.getByTestId('setting-word-wrap').check();
    await page.getByTestId('setting-vim').check();
    await page.keyboard.press('Escape');
    await page.waitForFunction((h) => document.querySelector('.monaco-editor .view-line').getBoundingClientRect().height > h, before);
    // Vim: normal mode, "o" opens a line below, Escape, "dd" deletes it.
    await page.getByTestId('vim-status').waitFor();
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Escape'); // stays in the editor in Vim mode
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')), 'Escape left the editor in Vim mode');
    await page.keyboard.press('g');
    await page.keyboard.press('g');
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('coderemote.buffer')).startsWith('    return 1'));
    await page.keyboard.press('u');
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('coderemote.buffer')).startsWith('def f():'));
    // Run keeps its key in Vim's normal mode, and runs once.
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('run-status').getByText('Finished').waitFor();
    assert.equal(await page.getByTestId('output').innerText(), '1');
    // Insert mode types.
    await page.keyboard.press('G');
    await page.keyboard.press('o');
    await page.keyboard.type('x = 2');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('coderemote.buffer')).includes('x = 2'));
    // Ctrl+M still switches Tab to moving focus: the way out by keyboard.
    await page.keyboard.press('Control+M');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')), false, 'Tab did not leave the editor in Vim mode');
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+M'); // back to Tab indenting
    await page.reload();
    await page.locator('.monaco-editor').waitFor();
    await page.getByTestId('vim-status').waitFor();
    await page.getByTestId('settings').click();
    assert.equal(await page.getByTestId('setting-font-size').inputValue(), '20');
    assert.equal(await page.getByTestId('setting-tab-size').inputValue(), '2');
    assert.ok(await page.getByTestId('setting-word-wrap').isChecked());
    // Back to the defaults: no Vim, Escape leaves the editor again.
    await page.getByRole('button', { name: 'Restore defaults' }).click();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-testid="vim-status"]'));
    await page.context().close();
  });

  test('Examples: one opens with its input and runs; Reset example undoes edits', async () => {
    const page = await openIDE();
    await setCode(page, 'print("my own work")\n');
    page.once('dialog', (d) => d.accept()); // "replace unsaved work?"
    await page.getByRole('button', { name: 'Examples' }).click();
    const items = page.getByTestId('examples').getByRole('button');
    assert.ok((await items.count()) >= 12);
    await items.filter({ hasText: 'Hello, input()' }).click();
    await page.getByTestId('run').click();
    await page.getByTestId('output').getByText('Hello, Ada! In 2030 you will be 215.').waitFor();
    // Edited, it can be reset (after confirming).
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# mine');
    await page.getByTestId('reset-example').waitFor();
    page.once('dialog', (d) => d.accept());
    await page.getByTestId('reset-example').click();
    await page.waitForFunction(() => !JSON.parse(localStorage.getItem('coderemote.buffer')).includes('# mine'));
    assert.equal(await page.getByTestId('reset-example').count(), 0);
    // An unchanged example is replaced without asking.
    let asked = false;
    page.once('dialog', (d) => {
      asked = true;
      void d.dismiss();
    });
    await page.getByRole('button', { name: 'Examples' }).click();
    await page.getByTestId('examples').getByRole('button').filter({ hasText: 'Dates and calendars' }).click();
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('coderemote.buffer')).includes('import calendar'));
    assert.equal(asked, false);
    await page.context().close();
  });

  test('the divider resizes the panes by mouse and keyboard, and the split is kept', async () => {
    const page = await openIDE();
    const width = () => page.locator('.side-pane').evaluate((el) => el.getBoundingClientRect().width);
    const start = await width();
    const handle = await page.getByTestId('pane-divider').boundingBox();
    await page.mouse.move(handle.x + 3, handle.y + 200);
    await page.mouse.down();
    await page.mouse.move(handle.x - 200, handle.y + 200, { steps: 5 });
    await page.mouse.up();
    const dragged = await width();
    assert.ok(dragged > start + 150, `the output pane went from ${start} to ${dragged} px`);
    await page.getByTestId('pane-divider').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.ok((await width()) < dragged);
    const kept = await width();
    await page.reload();
    await page.locator('.monaco-editor').waitFor();
    assert.ok(Math.abs((await width()) - kept) < 2);
    await page.context().close();
  });

  test('on a phone (390×844) everything fits the width and a program runs', async () => {
    const page = await openIDE({ width: 390, height: 844 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    // Panes stack: the editor above the output, both full width.
    const editor = await page.locator('.editor-pane').boundingBox();
    const side = await page.locator('.side-pane').boundingBox();
    assert.ok(side.y >= editor.y + editor.height - 1, 'the output is below the editor');
    assert.ok(editor.width > 370 && side.width > 370);
    assert.equal(await page.getByTestId('pane-divider').isVisible(), false);
    // The controls can be tapped: each is inside the screen.
    for (const name of ['run', 'format', 'settings']) {
      const box = await page.getByTestId(name).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 390, `${name} is off screen`);
    }
    await setCode(page, 'print(sum(range(10)))\n');
    await page.getByTestId('run').tap();
    await page.getByTestId('output').getByText('45', { exact: true }).waitFor();
    await page.context().close();
  });
});
