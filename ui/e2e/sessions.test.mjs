// End-to-end: every browser is its own client, even behind one address
// (all of these come from 127.0.0.1): the page load gives it an anonymous
// session (an HttpOnly cookie), and 40 of them run at the same moment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.mjs';

const env = setup();

// openSession opens the app's page in a new browser context (its own
// cookie jar) without loading the app's scripts: the session comes with
// the page itself.
async function openSession(browser, url) {
  const context = await browser.newContext();
  await context.route('**/assets/**', (route) => route.abort());
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { context, page };
}

const whoAmI = (page) => page.evaluate(() => fetch('/auth/session').then((r) => r.json()));

test('two browser contexts from one address are two sessions', async () => {
  const a = await openSession(env.browser, env.server.url);
  const b = await openSession(env.browser, env.server.url);
  try {
    const [sa, sb] = [await whoAmI(a.page), await whoAmI(b.page)];
    assert.equal(sa.kind, 'session');
    assert.equal(sb.kind, 'session');
    assert.notEqual(sa.id, sb.id);
    assert.ok(sb.address_share >= 2, `the address's share counts both: ${JSON.stringify(sb)}`);
    // The cookie is HttpOnly: scripts cannot read it.
    assert.ok(!(await a.page.evaluate(() => document.cookie)).includes('cr_session'));
    const cookies = await a.context.cookies();
    assert.ok(cookies.some((c) => c.name === 'cr_session' && c.httpOnly && c.sameSite === 'Lax'));
    // A reload keeps the session.
    await a.page.reload({ waitUntil: 'domcontentloaded' });
    assert.equal((await whoAmI(a.page)).id, sa.id);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('40 anonymous browser sessions from one address run at the same moment', async () => {
  const sessions = [];
  try {
    for (let i = 0; i < 40; i++) sessions.push(await openSession(env.browser, env.server.url));
    const started = Date.now();
    const results = await Promise.all(
      sessions.map(({ page }, i) =>
        page.evaluate(async (i) => {
          const t0 = performance.now();
          const r = await fetch('/execute', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ code: `import time\ntime.sleep(0.02)\nprint(${i})` }),
          });
          return { status: r.status, body: await r.json(), ms: performance.now() - t0 };
        }, i),
      ),
    );
    const slowest = Math.max(...results.map((r) => r.ms));
    console.log(`40 browser sessions: all answered within ${Math.round(Date.now() - started)} ms; slowest ${Math.round(slowest)} ms`);
    results.forEach((r, i) => {
      assert.equal(r.status, 200, `session ${i}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.stdout, `${i}\n`);
    });
    assert.ok(slowest < 5000, `the slowest of 40 runs took ${slowest} ms`);
  } finally {
    await Promise.all(sessions.map((s) => s.context.close()));
  }
});
