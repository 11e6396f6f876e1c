// End-to-end: accounts and the snippet library, in a real browser against
// the real binary (SQLite store in a temporary data directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setCode, setup } from './harness.mjs';

const env = setup();



// savedCode asks the API (as the signed-in page) what the snippet holds.
async function savedCode(page, id) {
  return page.evaluate(async (id) => {
    const { token } = JSON.parse(localStorage.getItem('coderemote.session'));
    const res = await fetch(`/snippets/${id}`, { headers: { Authorization: `Bearer ${token}` } });
    return (await res.json()).code;
  }, id);
}

test('register, save, reload, load, autosave, star and delete a snippet', async () => {
  const page = await (await env.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(20000);
  await page.goto(env.server.url);
  await page.getByTestId('connection').getByText('Live').waitFor();

  // A visitor who presses Save is asked to sign in.
  await page.getByRole('button', { name: /Save/ }).click();
  await page.getByRole('dialog').getByText('Sign in to save your code as a snippet.').waitFor();

  // Register; a server error (weak password) is shown and the form stays usable.
  await page.getByRole('tab', { name: 'Register' }).click();
  await page.getByLabel('Email').fill('learner@example.com');
  await page.getByLabel('Password').fill('short');
  await page.evaluate(() => document.querySelector('input[type=password]').removeAttribute('minlength'));
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('alert').getByText('password must be at least 8 characters').waitFor();
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('user-menu').getByText('learner').waitFor();

  // Save the editor as a snippet.
  await setCode(page, 'print("from my library")\n');
  await page.getByRole('button', { name: /Save/ }).click();
  await page.getByLabel('Title').fill('Library greeting');
  await page.getByLabel(/Description/).fill('prints a greeting');
  await page.getByRole('dialog').getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByTestId('save-state').getByText('Saved').waitFor();
  await page.getByTestId('snippet-count').getByText('1').waitFor();
  const id = await page.evaluate(() => JSON.parse(localStorage.getItem('coderemote.loaded')).id);

  // After a reload: still signed in, the snippet is listed and still loaded.
  await page.reload();
  await page.getByTestId('snippet').getByText('Library greeting').waitFor();
  await page.getByTestId('loaded-chip').getByText('Library greeting').waitFor();

  // Eject, write something else, then load the snippet back (confirming).
  await page.getByRole('button', { name: 'Eject snippet' }).click();
  await setCode(page, 'print("scratch work")\n');
  await page.getByTestId('snippet').getByText('Library greeting').click();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Load into editor' }).click();
  await page.getByTestId('loaded-chip').waitFor();
  await page.locator('.monaco-editor .view-lines').getByText('from my library').waitFor(); // on the next frame

  // Edit: the chip says Modified, then autosave makes it Saved.
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('print("edited")\n');
  await page.getByTestId('save-state').getByText('Modified').waitFor();
  await page.getByTestId('save-state').getByText('Saved').waitFor();
  assert.match(await savedCode(page, id), /print\("edited"\)/);

  // Running it counts the run.
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('run-status').getByText('Finished').waitFor();
  assert.equal(await page.getByTestId('output').innerText(), 'from my library\nedited');

  // Star it; the star survives a reload.
  await page.getByRole('button', { name: 'Star', exact: true }).click();
  await page.getByRole('button', { name: 'Unstar' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Unstar' }).waitFor();

  // Delete it (confirming): the list is empty and the chip is gone.
  await page.getByTestId('snippet').getByText('Library greeting').click();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByText('No snippets yet').waitFor();
  assert.equal(await page.getByTestId('loaded-chip').count(), 0);

  // Sign out: the library asks to sign in again.
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByTestId('sign-in').waitFor();
  await page.screenshot({ path: 'e2e/screenshot-signed-out.png' });
  await page.context().close();
});
