// Starts the real coderemote binary and a headless Chromium for e2e tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export async function startServer(extraEnv = {}) {
  const bin = process.env.CODEREMOTE_BIN;
  if (!bin) throw new Error('CODEREMOTE_BIN must point at the built binary');
  const dataDir = mkdtempSync(join(tmpdir(), 'coderemote-e2e-'));
  const env = { PATH: process.env.PATH, CR_DATA_DIR: dataDir, CR_ADDR: '127.0.0.1:0', ...extraEnv };
  if (process.env.CODEREMOTE_TEST_CACHE) env.CR_CACHE_DIR = process.env.CODEREMOTE_TEST_CACHE;
  const proc = spawn(bin, ['serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 60000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /url=(http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  await waitReady(url);
  return {
    url,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// waitReady waits until a sandbox worker is warm, so the first test does not
// time out on worker start-up.
async function waitReady(url) {
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`${url}/health`).then((r) => r.json()).catch(() => null);
    if (res?.checks?.sandbox === 'ok') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sandbox did not become ready');
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

// setup starts the binary and the browser before a test file's tests and
// stops them after; the returned object holds them once started.
export function setup() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

// setCode replaces the editor's content as a paste does: the text arrives
// as it is (typing it, or keyboard.insertText, would let the editor's
// auto-indent add to every indented line).
export async function setCode(page, code) {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, code);
}

// register creates an account through the page's sign-in dialog and waits
// until the page is signed in.
export async function register(page, email) {
  await page.getByTestId('sign-in').click();
  await page.getByRole('tab', { name: 'Register' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('user-menu').waitFor();
}
