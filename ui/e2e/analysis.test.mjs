// End-to-end: complexity analysis and search by meaning, offline (local
// analyzer, local embeddings, embedded index), in a real browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register, setup } from './harness.mjs';

const env = setup();

const BINARY_SEARCH = `def locate(xs, want):
    lo, hi = 0, len(xs) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if xs[mid] == want:
            return mid
        if xs[mid] < want:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1

print(locate([1, 3, 5, 7], 5))
`;

test('analyze a snippet, then find it by meaning and by complexity', async () => {
  const page = await (await env.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(20000);
  await page.goto(env.server.url);
  await page.getByTestId('connection').getByText('Live').waitFor();

  // An account with a few snippets (made through the API, as the page).
  await register(page, 'searcher@example.com');
  await page.evaluate(async (snippets) => {
    const { token } = JSON.parse(localStorage.getItem('coderemote.session'));
    for (const [title, code] of snippets) {
      await fetch('/snippets', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ title, code }),
      });
    }
  }, [
    ['Greeting', 'print("hello")'],
    ['Word count', 'from collections import Counter\nprint(Counter("a b a".split()))'],
    ['locate', BINARY_SEARCH],
  ]);
  await page.reload();

  // Load the binary search and analyze it: the narrative streams in, with badges.
  await page.getByTestId('snippet').getByText('locate').click();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Load into editor' }).click();
  await page.getByTestId('loaded-chip').getByText('locate').waitFor();
  await page.getByTestId('analyze').click();
  await page.getByTestId('narrative').getByRole('heading', { name: 'Time Complexity' }).waitFor();
  assert.equal(await page.getByTestId('time-badge').innerText(), 'time O(log n)');
  assert.match(await page.getByTestId('analysis-source').innerText(), /Local estimate/);
  await page.locator('.narrative .katex').first().waitFor(); // the math is typeset

  // The snippet list shows the stored complexity; clicking it filters by it.
  // The search index takes the analysis from the outbox asynchronously: on
  // a busy machine the first click may come before it, so ask again until
  // a deadline.
  const byComplexity = page.getByTestId('search-results');
  let titles = [];
  for (const deadline = Date.now() + 15000; Date.now() < deadline; ) {
    await page.getByTestId('snippet').filter({ hasText: 'locate' }).getByTestId('time-complexity').click();
    await byComplexity.locator('.results-head').getByText('time O(log n)').waitFor();
    titles = await byComplexity.getByTestId('search-result').locator('.snippet-title').allInnerTexts();
    await page.getByRole('button', { name: 'Close results' }).click();
    if (titles.length > 0) break;
    await page.waitForTimeout(250);
  }
  assert.deepEqual(titles, ['locate']);

  // Search by meaning: a question in plain words finds the binary search first.
  const box = page.getByLabel('Search snippets by keyword');
  await box.fill('find an item in a sorted list');
  await box.press('Enter');
  const results = page.getByTestId('search-results');
  await results.getByTestId('search-result').first().waitFor();
  assert.equal(await results.getByTestId('search-result').first().locator('.snippet-title').innerText(), 'locate');
  await results.getByText('method: keyword').waitFor();

  // The loaded snippet lists similar ones.
  await page.getByTestId('similar').locator('.snippet-title').first().waitFor();
  await page.screenshot({ path: 'e2e/screenshot-analysis.png' });
  await page.context().close();
});
