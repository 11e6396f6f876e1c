// End-to-end: share links, download and open .py files, and run history,
// in a real Chromium against the real binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { register, setCode, setup } from './harness.mjs';

const env = setup();

async function openIDE(context, path = '/') {
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(env.server.url + path);
  await page.getByTestId('connection').getByText('Live').waitFor();
  await page.locator('.monaco-editor').waitFor();
  return page;
}

const editorText = async (page) => (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');

test('a visitor shares a program; another browser opens it', async () => {
  const a = await env.browser.newContext();
  const page = await openIDE(a);
  await setCode(page, 'name = input()\nprint("hi", name)\n');
  await page.getByText('Standard input').click();
  await page.getByLabel('Standard input').fill('Grace');
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /\/s\/[0-9A-Za-z]{12}$/);
  await a.close();

  const b = await env.browser.newContext(); // another browser: nothing of a's
  const other = await openIDE(b, new URL(link).pathname);
  await other.locator('.monaco-editor .view-lines').getByText('hi').waitFor();
  assert.match(await editorText(other), /print\("hi", name\)/);
  assert.equal(new URL(other.url()).pathname, '/');
  await other.getByTestId('run').click();
  await other.getByTestId('run-status').getByText('Finished').waitFor();
  assert.equal(await other.getByTestId('output').innerText(), 'hi Grace');
  await b.close();
});

test('a share link does not replace unsaved work without asking', async () => {
  const a = await env.browser.newContext();
  const page = await openIDE(a);
  await setCode(page, 'print("shared")\n');
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByTestId('share-link').inputValue();
  await page.keyboard.press('Escape');
  await setCode(page, 'print("my unsaved work")\n');
  page.once('dialog', (d) => d.dismiss()); // "Replace the code in the editor?" — no
  await page.goto(link);
  await page.locator('.monaco-editor .view-lines').getByText('my unsaved work').waitFor();
  await a.close();
});

test('download the program as .py and open a local .py file', async () => {
  const context = await env.browser.newContext({ acceptDownloads: true });
  const page = await openIDE(context);
  await setCode(page, 'print("to disk")\n');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  assert.equal(download.suggestedFilename(), 'program.py');
  assert.equal(readFileSync(await download.path(), 'utf8'), 'print("to disk")\n');
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('open-file').setInputFiles({ name: 'mine.py', mimeType: 'text/x-python', buffer: Buffer.from('print(6 * 7)\n') });
  await page.locator('.monaco-editor .view-lines').getByText('6 * 7').waitFor();
  await page.getByTestId('run').click();
  await page.getByTestId('run-status').getByText('Finished').waitFor();
  assert.equal(await page.getByTestId('output').innerText(), '42');
  await context.close();
});

test('run history survives a reload and reopens a run', async () => {
  const context = await env.browser.newContext();
  const page = await openIDE(context);
  await setCode(page, 'print("first run")\n');
  await page.getByTestId('run').click();
  await page.getByTestId('run-status').getByText('Finished').waitFor();
  await setCode(page, 'print(1 / 0)\n');
  await page.getByTestId('run').click();
  await page.getByTestId('run-status').getByText(/ZeroDivisionError/).waitFor();
  await page.reload();
  await page.locator('.monaco-editor').waitFor();
  await page.getByRole('button', { name: 'History' }).click();
  const items = page.getByTestId('history').locator('li');
  assert.equal(await items.count(), 2);
  assert.match(await items.nth(0).innerText(), /print\(1 \/ 0\)[\s\S]*ZeroDivisionError/);
  page.once('dialog', (d) => d.accept());
  await items.nth(1).getByRole('button').click();
  await page.locator('.monaco-editor .view-lines').getByText('first run').waitFor();
  assert.equal(await page.getByTestId('output').innerText(), 'first run');
  assert.equal(await page.getByTestId('run-status').innerText(), 'Finished');
  await context.close();
});

test('a saved snippet made public opens for a visitor, and stops when made private', async () => {
  const a = await env.browser.newContext();
  const page = await openIDE(a);
  await register(page, 'public-owner@example.com');
  await setCode(page, 'print("from my library")\n');
  await page.getByRole('button', { name: /Save/ }).first().click();
  await page.getByLabel('Title').fill('Library note');
  await page.getByLabel('Title').press('Enter');
  await page.getByTestId('snippet').getByText('Library note').click();
  await page.getByTestId('toggle-public').click();
  const link = await page.getByTestId('public-link').inputValue();
  assert.match(link, /\/p\/[0-9a-f-]{36}$/);

  const b = await env.browser.newContext(); // a visitor, signed out
  const other = await openIDE(b, new URL(link).pathname);
  await other.locator('.monaco-editor .view-lines').getByText('from my library').waitFor();
  assert.equal(new URL(other.url()).pathname, '/');

  await page.getByTestId('toggle-public').click(); // private again
  await page.getByTestId('public-link').waitFor({ state: 'detached' });
  const refused = new Promise((resolve) =>
    other.once('dialog', (d) => {
      resolve(d.message());
      void d.dismiss();
    }),
  );
  await other.goto(link);
  assert.match(await refused, /Could not open the snippet: .*not found/);
  await a.close();
  await b.close();
});
