// End-to-end tests of the IDE in a real headless Chromium, against the real
// binary (CODEREMOTE_BIN) with its real sandbox.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setCode, setup } from './harness.mjs';

const env = setup();

async function openIDE(viewport = { width: 1280, height: 800 }) {
  const context = await env.browser.newContext({ viewport, colorScheme: 'dark' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(env.server.url);
  await page.getByTestId('connection').getByText('Live').waitFor();
  return page;
}


// output is the output panel's text: its lines, each ended by a newline
// (the panel renders lines, not the final newline).
async function output(page) {
  const text = await page.getByTestId('output').innerText();
  return text === '' ? '' : text.replace(/\n?$/, '\n');
}

describe('IDE', () => {
  test('runs with Ctrl+Enter, streams output, and answers input() interactively', async () => {
    const page = await openIDE();
    await setCode(page, 'print("before", flush=True)\nname = input("Name? ")\nprint("Hello,", name)\n');
    await page.keyboard.press('Control+Enter');
    const prompt = page.getByTestId('stdin-prompt');
    await prompt.waitFor();
    // The output printed before input() is already on screen while the
    // program waits: it streamed.
    const before = await output(page);
    assert.match(before, /before\nName\? \n$/);
    await prompt.fill('Ada');
    await prompt.press('Enter');
    await page.getByTestId('run-status').getByText('Finished').waitFor();
    assert.equal(await output(page), 'before\nName? Ada\nHello, Ada\n');
    await page.context().close();
  });

  test('sys.stdin reads ask for a line as input() does, in order, and Ctrl+D ends the input', async () => {
    const page = await openIDE();
    await setCode(
      page,
      'import sys\na = input("A? ")\nb = sys.stdin.readline()\nc = input("C? ")\nrest = sys.stdin.read()\nprint(repr(a), repr(b), repr(c), repr(rest))\n',
    );
    await page.keyboard.press('Control+Enter');
    const prompt = page.getByTestId('stdin-prompt');
    for (const line of ['1', '2', '3', '4', '5']) {
      await prompt.waitFor();
      await prompt.fill(line);
      await prompt.press('Enter');
    }
    await prompt.waitFor();
    await prompt.press('Control+d');
    await page.getByTestId('run-status').getByText('Finished').waitFor();
    assert.match(await output(page), /'1' '2\\n' '3' '4\\n5\\n'\n$/);
    await page.context().close();
  });

  test('stops a program at its time limit and says so', async () => {
    const page = await openIDE();
    await page.getByLabel('Time limit').selectOption('5');
    await setCode(page, 'print("start")\nwhile True:\n    pass\n');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('run-status').getByText('Timed out').waitFor({ timeout: 15000 });
    assert.match(await page.getByTestId('error').innerText(), /TimeoutError/);
    assert.match(await output(page), /start/);
    await page.context().close();
  });

  test('Stop cancels a running program', async () => {
    const page = await openIDE();
    await setCode(page, 'import time\nprint("tick")\nwhile True:\n    time.sleep(0.05)\n');
    await page.getByRole('button', { name: /Run/ }).click();
    await page.getByTestId('output').getByText('tick').waitFor();
    await page.getByRole('button', { name: /Stop/ }).click();
    await page.getByTestId('run-status').getByText('Stopped').waitFor();
    await page.context().close();
  });

  test('shows the error and marks its line in the editor', async () => {
    const page = await openIDE();
    await setCode(page, 'x = 1\ny = 0\nprint(x / y)\n');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('run-status').getByText('ZeroDivisionError: division by zero').waitFor();
    assert.match(await page.getByTestId('error').innerText(), /line 3/);
    await page.locator('.monaco-editor .error-line').first().waitFor();
    await page.context().close();
  });

  test('the theme follows the system until chosen; the choice and the editor buffer survive a reload', async () => {
    const light = await env.browser.newContext({ colorScheme: 'light' });
    const lp = await light.newPage();
    await lp.goto(env.server.url);
    await lp.getByTestId('theme-toggle').waitFor();
    assert.equal(await lp.evaluate(() => document.documentElement.dataset.theme), 'light');
    await light.close();
    const page = await openIDE(); // the system says dark
    await setCode(page, 'print("kept")\n');
    await page.getByTestId('theme-toggle').click();
    await page.reload();
    await page.getByTestId('connection').getByText('Live').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.locator('.monaco-editor .view-lines').getByText('kept').waitFor();
    assert.match(await page.locator('.monaco-editor .view-lines').innerText(), /print\("kept"\)/);
    await page.context().close();
  });

  test('falls back to HTTP when there is no WebSocket (as on AWS Lambda)', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    await page.routeWebSocket(/\/ws$/, (ws) => ws.close()); // the socket never opens
    await page.goto(env.server.url);
    await page.getByTestId('connection').getByText('HTTP').waitFor();
    await setCode(page, 'print(input().upper())\n');
    await page.getByText('Standard input').click();
    await page.getByLabel('Standard input').fill('over http');
    await page.getByRole('button', { name: /Run/ }).click();
    await page.getByTestId('run-status').getByText('Finished').waitFor();
    assert.equal(await output(page), 'OVER HTTP\n');
    await context.close();
  });

  test('works at 768 px wide', async () => {
    const page = await openIDE({ width: 768, height: 1000 });
    await setCode(page, 'print(6 * 7)\n');
    await page.getByRole('button', { name: /Run/ }).click();
    await page.getByTestId('run-status').getByText('Finished').waitFor();
    assert.equal(await output(page), '42\n');
    const editor = await page.getByTestId('editor').boundingBox();
    const out = await page.getByTestId('output').boundingBox();
    assert.ok(editor.width > 700 && editor.height > 200, `editor box ${JSON.stringify(editor)}`);
    assert.ok(out.y > editor.y, 'output is below the editor');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrolling');
    await page.screenshot({ path: 'e2e/screenshot-768.png' });
    await page.context().close();
  });
});
