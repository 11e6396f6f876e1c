// End-to-end: the browser UI against three replicas of the real binary on
// one PostgreSQL database, behind a round-robin proxy without sticky
// sessions — the page's WebSocket and its requests land on different
// replicas. Needs PostgreSQL (psql and a server at CODEREMOTE_TEST_POSTGRES,
// default postgres://postgres@127.0.0.1:5432/test); skipped without one
// unless CODEREMOTE_REQUIRE_POSTGRES=1.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ADMIN, editorText, joinRoom, launchBrowser, postgresAvailable, psql, register, roundRobin, setCode, startRoom, startServer, typeAtEndOfFirstLine, until } from './harness.mjs';

const env = {};
const enabled = postgresAvailable();

before(async () => {
  if (!enabled) return;
  env.db = `cr_e2e_${randomBytes(6).toString('hex')}`;
  psql(`CREATE DATABASE ${env.db}`);
  const url = ADMIN.replace(/\/test(\?|$)/, `/${env.db}$1`);
  // Started together, as a deployment does: their migrations and the token
  // secret's creation race.
  env.servers = await Promise.all(
    [0, 1, 2].map(() => startServer({ DATABASE_URL: url, CR_WORKERS: '1', CR_STANDBY_WORKERS: '0' })),
  );
  env.proxy = await roundRobin(env.servers.map((s) => s.url));
  env.url = `http://127.0.0.1:${env.proxy.address().port}`;
  env.browser = await launchBrowser();
});

afterEach((t) => {
  // A failure here is hard to see from the browser alone: show what the
  // replicas logged (warnings and errors).
  if (!t.passed) for (const [i, s] of (env.servers || []).entries()) console.log(`replica ${i}:\n${s.log().split('\n').filter((l) => / level=(WARN|ERROR) /.test(l)).slice(-30).join('\n')}`);
});

after(async () => {
  if (!enabled) return;
  await env.browser?.close();
  env.proxy?.closeAllConnections();
  env.proxy?.close();
  await Promise.all((env.servers || []).map((s) => s.stop()));
  if (env.db) psql(`DROP DATABASE IF EXISTS ${env.db} WITH (FORCE)`);
});

const BISECT = `def f(a, x):
    lo, hi = 0, len(a) - 1
    while lo <= hi:
        m = (lo + hi) // 2
        if a[m] == x:
            return m
        if a[m] < x:
            lo = m + 1
        else:
            hi = m - 1
    return -1

print(f([1, 3, 5, 7, 9], 7))
`;

test('register, run, save, analyze and search through three replicas', { skip: !enabled && 'needs PostgreSQL' }, async () => {
  const page = await (await env.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(20000);
  await page.goto(env.url);
  await page.getByTestId('connection').getByText('Live').waitFor();

  await register(page, 'replicas@example.com');

  // Run over the WebSocket (whichever replica holds it).
  await setCode(page, BISECT);
  await page.getByRole('button', { name: /Run/ }).click();
  await page.getByTestId('output').getByText('3').waitFor();

  // Save; the list, read from other replicas, shows it.
  await page.getByRole('button', { name: /Save/ }).click();
  await page.getByLabel('Title').fill('Halving finder');
  await page.getByRole('dialog').getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByTestId('save-state').getByText('Saved').waitFor();

  // Analyze: POST /analyze/async and the socket are on different replicas
  // for some of the requests; the narrative still streams in.
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('analyze').click();
    await page.getByTestId('narrative').getByRole('heading', { name: 'Time Complexity' }).waitFor();
    assert.equal(await page.getByTestId('time-badge').innerText(), 'time O(log n)');
  }

  // After a reload (new socket, new replica): still signed in, and search
  // served by any replica finds the snippet by keyword and by complexity.
  await page.reload();
  await page.getByTestId('snippet').getByText('Halving finder').waitFor();
  for (let i = 0; i < 3; i++) {
    const box = page.getByLabel(/Search snippets by/);
    await box.fill('halving finder');
    await box.press('Enter');
    const results = page.getByTestId('search-results');
    await results.getByTestId('search-result').first().waitFor();
    assert.equal(await results.getByTestId('search-result').first().locator('.snippet-title').innerText(), 'Halving finder');
    await page.getByRole('button', { name: 'Close results' }).click();
  }
  await page.getByTestId('snippet').filter({ hasText: 'Halving finder' }).getByTestId('time-complexity').click();
  const byComplexity = page.getByTestId('search-results');
  await byComplexity.locator('.results-head').getByText('time O(log n)').waitFor();
  assert.deepEqual(await byComplexity.getByTestId('search-result').locator('.snippet-title').allInnerTexts(), ['Halving finder']);
  await page.context().close();
});

test('two people in one room through three replicas', { skip: !enabled && 'needs PostgreSQL' }, async () => {
  // Each page's requests and its room socket land on whichever replica the
  // proxy picks next: the two members are on different replicas.
  const owner = await startRoom(env.browser, env.url, 'room-replicas@example.com', "print('across')\n");
  const guest = await joinRoom(env.browser, owner.url(), 'Bea');
  await until('the guest sees the code', async () => (await editorText(guest)).includes("print('across')"));
  await typeAtEndOfFirstLine(owner, ' # ada');
  await until('the owner’s edit at the guest', async () => (await editorText(guest)).includes('# ada'));
  await typeAtEndOfFirstLine(guest, ' # bea');
  await until('both to converge', async () => {
    const [a, b] = [await editorText(owner), await editorText(guest)];
    return a === b && a.includes('# ada # bea');
  });
  await guest.locator('[class*="yRemoteSelectionHead-"]').first().waitFor();
  await owner.getByTestId('room-run').click();
  for (const p of [owner, guest]) await p.getByTestId('room-run-output').first().getByText('across').waitFor();

  // The owner's controls reach the guest's replica; read-only holds there.
  await owner.getByTestId('room-mode').selectOption('readonly');
  await guest.getByText('Read-only: the owner is presenting.').waitFor();
  await typeAtEndOfFirstLine(guest, 'ZZZ');
  await typeAtEndOfFirstLine(owner, ' # teacher');
  await until('the owner’s edit at the guest', async () => (await editorText(guest)).includes('# teacher'));
  assert.ok(!(await editorText(owner)).includes('ZZZ'), 'a read-only guest changed the code');

  // Save as a snippet and play back, whichever replicas answer.
  owner.once('dialog', (d) => d.accept('Across replicas'));
  await owner.getByTestId('room-save').click();
  await owner.getByTestId('room-notice').getByText('Saved as the snippet').waitFor();
  await owner.getByTestId('room-playback').click();
  await owner.getByTestId('playback-slider').fill('0');
  await until('the first step', async () => (await owner.getByTestId('playback-code').innerText()) === "print('across')\n");
  await owner.keyboard.press('Escape');
  await owner.context().close();
  await guest.context().close();
});
