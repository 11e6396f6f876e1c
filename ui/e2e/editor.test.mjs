// End-to-end: big outputs, the full editor's features, the keyboard, and
// what the first paint costs, in a real Chromium against the real binary.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setCode, setup } from './harness.mjs';

const env = setup();

async function openIDE(viewport = { width: 1280, height: 800 }) {
  const context = await env.browser.newContext({ viewport });
  // Note when the run's result arrives on the socket, and how long clicks
  // wait for the page.
  await context.addInitScript(() => {
    const Orig = window.WebSocket;
    window.__resultAt = null;
    window.WebSocket = class extends Orig {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (typeof e.data === 'string' && e.data.includes('"execution_result"')) window.__resultAt = performance.now();
        });
      }
    };
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(env.server.url);
  await page.getByTestId('connection').getByText('Live').waitFor();
  await page.locator('.monaco-editor').waitFor();
  return page;
}

const editorText = async (page) => (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');

// The editor renders a change on its next frame: wait for the text, as a
// reader would, rather than reading it at once.
async function waitForText(page, re) {
  const deadline = Date.now() + 10000;
  let text = '';
  while (Date.now() < deadline) {
    text = await editorText(page);
    if (re.test(text)) return text;
    await page.waitForTimeout(50);
  }
  assert.match(text, re);
}

// stored is the editor's program as the page keeps it (its model, not its
// rendering).
const stored = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('coderemote.buffer')));

const focusInEditor = (page) => page.evaluate(() => !!document.activeElement?.closest('.monaco-editor'));

describe('editor and output', () => {
  test('100,000 lines of output render within 2 s of the result, and clicks are handled meanwhile', async () => {
    const page = await openIDE();
    // 100,000 lines, 0.6 MB: under the server's 1 MiB output limit.
    await setCode(page, 'for i in range(100000):\n    print(i)\n');
    // Clicks on the theme button during the run: how long each waited.
    await page.evaluate(() => {
      window.__clickDelays = [];
      document.querySelector('[data-testid="theme-toggle"]').addEventListener('click', (e) => {
        window.__clickDelays.push(performance.now() - e.timeStamp);
      });
      new MutationObserver(() => {
        const status = document.querySelector('[data-testid="run-status"]');
        if (status && /status-(ok|error)/.test(status.className) && !window.__doneAt) window.__doneAt = performance.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByTestId('run').click();
    await page.locator('.out-line').first().waitFor();
    const theme = page.getByTestId('theme-toggle');
    const deadline = Date.now() + 60000;
    while (!(await page.evaluate(() => !!window.__doneAt))) {
      assert.ok(Date.now() < deadline, 'the run did not end');
      await theme.click();
      await page.waitForTimeout(100);
    }
    console.log('status:', await page.getByTestId('run-status').innerText());
    const { resultAt, doneAt, delays } = await page.evaluate(() => ({
      resultAt: window.__resultAt,
      doneAt: window.__doneAt,
      delays: window.__clickDelays,
    }));
    const worst = Math.max(...delays);
    console.log(`100,000 lines: shown ${Math.round(doneAt - resultAt)} ms after the result; ${delays.length} clicks, the slowest handled after ${Math.round(worst)} ms`);
    assert.ok(resultAt !== null && doneAt - resultAt < 2000, `finished ${doneAt - resultAt} ms after the result`);
    assert.ok(delays.length > 0 && worst < 200, `a click waited ${worst} ms`);
    // It follows the output to its end.
    await page.getByTestId('output').getByText('99999', { exact: true }).waitFor();
    // Scrolled up, it stays; Copy takes all of it.
    await page.getByTestId('output').evaluate((el) => (el.scrollTop = 0));
    await page.getByTestId('output').getByText('0', { exact: true }).first().waitFor();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied.split('\n').length, 100001);
    await page.getByRole('button', { name: 'Clear' }).click();
    assert.equal(await page.getByTestId('output').innerText(), '');
    await page.context().close();
  });

  test('ANSI colours are shown as colours', async () => {
    const page = await openIDE();
    await setCode(page, 'print("\\x1b[31mred\\x1b[0m plain")\n');
    await page.getByTestId('run').click();
    await page.getByTestId('run-status').getByText('Finished').waitFor();
    assert.equal(await page.locator('.ansi-31').innerText(), 'red');
    assert.equal(await page.getByTestId('output').innerText(), 'red plain');
    // Run facts: CPU time, peak memory, Python version; the limits beside the time limit.
    assert.match(await page.getByTestId('run-facts').innerText(), /CPU [^\n]+\s+\d+(\.\d)? MiB\s+Python 3\.13\.5/);
    assert.match(await page.getByTestId('limits').innerText(), /memory 256 MiB · output 1\.0 MiB/);
    await page.context().close();
  });

  test('find and replace, comment toggle and suggestions work', async () => {
    const page = await openIDE();
    await setCode(page, 'total = 1\nprint(total)\n');
    await page.locator('.monaco-editor .view-lines').click();
    // Replace every "total" with "count".
    await page.keyboard.press('Control+H');
    await page.locator('.find-widget.visible').waitFor();
    await page.keyboard.type('total');
    await page.getByRole('textbox', { name: 'Replace' }).fill('count');
    await page.getByRole('button', { name: /Replace All/ }).click();
    await page.keyboard.press('Escape');
    await waitForText(page, /count = 1\nprint\(count\)/);
    // Ctrl+/ comments the line.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+/');
    await waitForText(page, /^# count = 1/);
    // Suggestions: "pri" offers print.
    await page.keyboard.press('Control+End');
    await page.keyboard.type('pri');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget.visible').getByText('print').first().waitFor();
    await page.keyboard.press('Escape');
    // Modules come from the server's allowlist (the standard profile).
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('import docte');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget.visible').getByText('doctest').first().waitFor();
    await page.keyboard.press('Escape');
    await page.context().close();
  });

  test('Ctrl+M then Tab and Escape leave the editor without editing it; focus comes back after input()', async () => {
    const page = await openIDE();
    await setCode(page, 'name = input()\nprint(name)\n');
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('coderemote.buffer')) === 'name = input()\nprint(name)\n');
    // Escape: to the Run button.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'run');
    // Ctrl+M: Tab moves focus instead of indenting.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+M');
    await page.keyboard.press('Tab');
    assert.equal(await focusInEditor(page), false);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await stored(page), 'name = input()\nprint(name)\n');
    // After answering input(), Ctrl+Enter works at once.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stdin-prompt').fill('Ada');
    await page.getByTestId('stdin-prompt').press('Enter');
    await page.getByTestId('run-status').getByText('Finished').waitFor();
    await page.waitForFunction(() => !!document.activeElement?.closest('.monaco-editor'));
    await page.context().close();
  });

  test('a sandbox violation is marked while typing, before any run', async () => {
    const page = await openIDE();
    await setCode(page, 'print("ok")\n');
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('import os');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    assert.equal(await page.getByTestId('run-status').innerText(), 'Ready'); // nothing ran
    // The hover says why.
    await page.locator('.monaco-editor .view-line').filter({ hasText: 'import os' }).getByText('os').hover();
    await page.locator('.monaco-hover').getByText(/Import of module 'os' is not allowed/).first().waitFor();
    // Fixed, the marker goes.
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+Z');
    await setCode(page, 'import math\n');
    await page.waitForFunction(() => !document.querySelector('.monaco-editor .squiggly-error'));
    await page.context().close();
  });

  test('the first paint costs at most 400 KB on the wire', async () => {
    const page = await (await env.browser.newContext()).newPage();
    // At 10 Mbit/s with 40 ms latency, as a visitor on a modest connection.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 40,
      downloadThroughput: (10e6 / 8) | 0,
      uploadThroughput: (5e6 / 8) | 0,
    });
    await page.goto(env.server.url);
    await page.locator('.monaco-editor').waitFor();
    const sizes = await page.evaluate(() => {
      const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint').startTime;
      const nav = performance.getEntriesByType('navigation')[0];
      const all = [nav, ...performance.getEntriesByType('resource')];
      const before = all.filter((e) => e.responseEnd <= fcp);
      const sum = (list) => list.reduce((n, e) => n + e.transferSize, 0);
      const js = all.filter((e) => e.name.endsWith('.js'));
      return {
        fcp: Math.round(fcp),
        firstPaint: sum(before),
        firstPaintFiles: before.map((e) => `${e.name.split('/').pop()} ${e.transferSize}`),
        total: sum(all),
        jsDecoded: js.reduce((n, e) => n + e.decodedBodySize, 0),
        jsTransferred: sum(js),
      };
    });
    console.log(`first paint ${sizes.fcp} ms: ${sizes.firstPaint} bytes on the wire (${sizes.firstPaintFiles.join(', ')}); everything with the editor: ${sizes.total} bytes; JavaScript ${sizes.jsTransferred} bytes for ${sizes.jsDecoded} decoded`);
    assert.ok(sizes.firstPaint > 0 && sizes.firstPaint <= 400 * 1024, `first paint needed ${sizes.firstPaint} bytes`);
    assert.ok(sizes.jsTransferred < sizes.jsDecoded / 2, 'JavaScript is sent compressed');
    await page.context().close();
  });
});
