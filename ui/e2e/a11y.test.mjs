// Accessibility: axe-core (injected into the real page) finds no serious
// or critical violations on the main page, the signed-in page and the
// dialogs, a room's pages, in both themes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { setup } from './harness.mjs';

const env = setup();
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function audit(page, what) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' — ' + n.failureSummary) }));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of result) console.log(`${what}: ${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.join('\n  ')}`);
  assert.deepEqual(serious.map((v) => v.id), [], `${what}: serious or critical violations`);
}

test('no serious or critical axe violations on the pages and dialogs', async () => {
  for (const theme of ['dark', 'light']) {
    const context = await env.browser.newContext({ colorScheme: theme, bypassCSP: true }); // to inject axe
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    await page.goto(env.server.url);
    await page.getByTestId('connection').getByText('Live').waitFor();
    await page.locator('.monaco-editor').waitFor();
    await page.getByTestId('run').click();
    await page.getByTestId('stdin-prompt').waitFor(); // the starter program asks for a name
    await audit(page, `${theme}: main page, waiting for input`);
    await page.getByTestId('stdin-prompt').fill('Ada');
    await page.getByTestId('stdin-prompt').press('Enter');
    await page.getByTestId('run-status').getByText('Finished').waitFor();
    // Dialogs: sign in, then the signed-in page with its dialogs.
    await page.getByTestId('sign-in').click();
    await audit(page, `${theme}: sign-in dialog`);
    await page.getByRole('tab', { name: 'Register' }).click();
    await page.getByLabel('Email').fill(`a11y-${theme}@example.com`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('user-menu').waitFor();
    await audit(page, `${theme}: signed-in page`);
    await page.getByRole('button', { name: /Save/ }).first().click();
    await page.getByLabel('Title').waitFor();
    await audit(page, `${theme}: save dialog`);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'History' }).click();
    await audit(page, `${theme}: history dialog`);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Examples' }).click();
    await page.getByTestId('examples').waitFor();
    await audit(page, `${theme}: examples dialog`);
    await page.keyboard.press('Escape');
    await page.getByTestId('settings').click();
    await page.getByTestId('setting-font-size').waitFor();
    await audit(page, `${theme}: settings dialog`);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Share' }).click();
    await page.getByTestId('share-link').waitFor();
    await audit(page, `${theme}: share dialog`);
    await page.keyboard.press('Escape');
    // A room: the owner's page, its playback dialog, and a visitor's join form.
    await page.getByTestId('start-room').click();
    await page.getByTestId('room-status').getByText('Live').waitFor();
    await page.getByTestId('room-editor').locator('.monaco-editor').waitFor();
    await audit(page, `${theme}: room page`);
    await page.getByTestId('room-playback').click();
    await page.getByTestId('playback-slider').waitFor();
    await audit(page, `${theme}: playback dialog`);
    const visitor = await (await env.browser.newContext({ colorScheme: theme, bypassCSP: true })).newPage();
    await visitor.goto(page.url());
    await visitor.getByTestId('room-name').waitFor();
    await audit(visitor, `${theme}: room join form`);
    await visitor.context().close();
    await context.close();
  }
});
