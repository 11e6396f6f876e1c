// End-to-end: rooms — two people in one editor, in two browser contexts,
// against the real binary: concurrent typing on one line converges, cursors
// show, a run's output reaches both, read-only holds, the owner saves the
// code as a snippet and replays its history, and edits made while the
// server restarts merge when it is back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editorText, joinRoom, launchBrowser, startRoom, startServer, typeAtEndOfFirstLine, until } from './harness.mjs';

const env = {};

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  env.dataDir = mkdtempSync(join(tmpdir(), 'coderemote-rooms-'));
  env.addr = `127.0.0.1:${await freePort()}`;
  env.serverEnv = { CR_ADDR: env.addr, CR_DATA_DIR: env.dataDir };
  env.server = await startServer(env.serverEnv);
  env.browser = await launchBrowser();
});

after(async () => {
  await env.browser?.close();
  await env.server?.stop();
  rmSync(env.dataDir, { recursive: true, force: true });
});

test('two people in one room: typing, cursors, runs, read-only, snippet, playback, restart', async () => {
  const seed = "print('hi')\n";
  const owner = await startRoom(env.browser, `http://${env.addr}`, 'room-owner@example.com', seed);
  const link = owner.url();
  const guest = await joinRoom(env.browser, link, 'Bea');
  await until('the guest sees the owner’s code', async () => (await editorText(guest)).includes("print('hi')"));
  await guest.getByTestId('room-members').getByText('Bea (you)').waitFor();
  await owner.getByTestId('room-members').getByText('Bea').waitFor();

  // Both type at the end of the same line at once: both end with the same
  // text, holding every key of both (where two people type at the very same
  // place, Yjs may interleave their keys; it never loses one).
  await Promise.all([typeAtEndOfFirstLine(owner, ' # ada'), typeAtEndOfFirstLine(guest, ' # bea')]);
  const sorted = (s) => [...s].sort().join('');
  await until('both editors to converge', async () => {
    const [a, b] = [await editorText(owner), await editorText(guest)];
    const line = a.split('\n')[0];
    return a === b && line.startsWith("print('hi')") && sorted(line.slice("print('hi')".length)) === sorted(' # ada # bea');
  });

  // The other's cursor, with their name.
  await guest.locator('[class*="yRemoteSelectionHead-"]').first().waitFor();
  await owner.locator('[class*="yRemoteSelectionHead-"]').first().waitFor();

  // A run started by the guest reaches both.
  await guest.getByTestId('room-run').click();
  for (const p of [owner, guest]) {
    await p.getByTestId('room-run-output').first().getByText('hi').waitFor();
    await p.getByTestId('room-runs').getByText('Bea ran').first().waitFor();
  }

  // Read-only: the guest's keys change nothing; the owner still edits.
  await owner.getByTestId('room-mode').selectOption('readonly');
  await guest.getByText('Read-only: the owner is presenting.').waitFor();
  await typeAtEndOfFirstLine(guest, 'ZZZ');
  await typeAtEndOfFirstLine(owner, ' # teacher');
  await until('the owner’s edit to reach the guest', async () => (await editorText(guest)).includes('# teacher'));
  assert.ok(!(await editorText(owner)).includes('ZZZ'), 'a read-only guest changed the code');
  assert.ok(!(await editorText(guest)).includes('ZZZ'), 'the guest’s editor took keys in read-only mode');
  await owner.getByTestId('room-mode').selectOption('open');
  await until('the guest may edit again', async () => (await guest.getByText('Read-only: the owner is presenting.').count()) === 0);

  // Save as a snippet (the owner's account).
  owner.once('dialog', (d) => d.accept('From the room'));
  await owner.getByTestId('room-save').click();
  await owner.getByTestId('room-notice').getByText('Saved as the snippet').waitFor();
  const titles = await owner.evaluate(async () => {
    const token = JSON.parse(localStorage.getItem('coderemote.session')).token;
    const headers = { Authorization: `Bearer ${token}` };
    const list = await (await fetch('/snippets', { headers })).json();
    return Promise.all(list.items.map(async (s) => `${s.title}|${(await (await fetch(`/snippets/${s.id}`, { headers })).json()).code}`));
  });
  assert.ok(titles.some((t) => t.startsWith('From the room|') && t.includes('# teacher')), `snippets: ${titles}`);

  // Playback: the first step is the code the room started with.
  await owner.getByTestId('room-playback').click();
  const slider = owner.getByTestId('playback-slider');
  await slider.waitFor();
  await slider.fill('0');
  await until('the first step', async () => (await owner.getByTestId('playback-code').innerText()) === seed);
  await owner.keyboard.press('Escape');

  // The server restarts; edits made meanwhile on both sides merge.
  await env.server.stop();
  await Promise.all([owner, guest].map((p) => p.getByTestId('room-status').getByText('Offline').waitFor()));
  await typeAtEndOfFirstLine(guest, ' # offline-bea');
  await typeAtEndOfFirstLine(owner, ' # offline-ada');
  env.server = await startServer(env.serverEnv);
  await Promise.all([owner, guest].map((p) => p.getByTestId('room-status').getByText('Live').waitFor({ timeout: 30000 })));
  await until('the offline edits to merge', async () => {
    const [a, b] = [await editorText(owner), await editorText(guest)];
    return a === b && a.includes('# offline-bea') && a.includes('# offline-ada');
  });

  // A reload rejoins with the document intact.
  const before = await editorText(guest);
  await guest.reload();
  await guest.getByTestId('room-status').getByText('Live').waitFor();
  await until('the reloaded document', async () => (await editorText(guest)) === before);

  // The owner ends the room: the guest is told, and the link no longer
  // admits anyone.
  owner.once('dialog', (d) => d.accept());
  await owner.getByTestId('room-end').click();
  await guest.getByTestId('room-status').getByText('This room has ended').waitFor();
  const late = await (await env.browser.newContext()).newPage();
  await late.goto(owner.url());
  await late.getByTestId('room-name').fill('Late');
  await late.getByTestId('room-join').click();
  await late.getByTestId('room-status').getByText('This room has ended').waitFor();
  await late.context().close();
  await owner.context().close();
  await guest.context().close();
});
