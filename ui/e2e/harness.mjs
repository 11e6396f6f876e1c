// Starts the real coderemote binary and a headless Chromium for e2e tests.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

// startServer starts the binary on a free port with a new data directory
// (removed when it stops), or on the CR_ADDR and CR_DATA_DIR given (kept:
// a restart on the same address and data).
export async function startServer(extraEnv = {}) {
  const bin = process.env.CODEREMOTE_BIN;
  if (!bin) throw new Error('CODEREMOTE_BIN must point at the built binary');
  const ownData = !extraEnv.CR_DATA_DIR;
  const dataDir = extraEnv.CR_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'coderemote-e2e-'));
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
      if (ownData) rmSync(dataDir, { recursive: true, force: true });
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

export const ADMIN = process.env.CODEREMOTE_TEST_POSTGRES || 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable';

export function psql(sql) {
  execFileSync('psql', [ADMIN, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function postgresAvailable() {
  try {
    psql('SELECT 1');
    return true;
  } catch (e) {
    if (process.env.CODEREMOTE_REQUIRE_POSTGRES === '1') throw new Error(`PostgreSQL at ${ADMIN}: ${e.stderr || e}`);
    return false;
  }
}

// roundRobin proxies each request, and each WebSocket upgrade, to the next
// backend in turn.
export function roundRobin(backends) {
  let next = 0;
  const pick = () => new URL(backends[next++ % backends.length]);
  const server = http.createServer((req, res) => {
    const to = pick();
    const up = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  server.on('upgrade', (req, socket, head) => {
    const to = pick();
    const up = net.connect(Number(to.port), to.hostname, () => {
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers}\r\n\r\n`);
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}


// Rooms (rooms.test.mjs, replicas.test.mjs).

// editorText is what the page's shared editor shows (Monaco renders spaces
// as no-break spaces).
export async function editorText(page) {
  return (await page.getByTestId('room-editor').locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

// until polls f until it returns true, within a deadline.
export async function until(what, f, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await f()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// startRoom registers the owner, puts code in the IDE and starts a room
// with it; joinRoom opens the room's link in another context as a visitor.
export async function startRoom(browser, url, email, code) {
  const owner = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  owner.setDefaultTimeout(20000);
  await owner.goto(url);
  await owner.getByTestId('connection').getByText('Live').waitFor(); // the IDE is up before signing in
  await register(owner, email);
  await setCode(owner, code);
  await owner.getByTestId('start-room').click();
  await owner.waitForURL(/\/r\/[0-9A-Za-z]{12}$/);
  await owner.getByTestId('room-status').getByText('Live').waitFor();
  return owner;
}

export async function joinRoom(browser, link, name) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(20000);
  await page.goto(link);
  await page.getByTestId('room-name').fill(name);
  await page.getByTestId('room-join').click();
  await page.getByTestId('room-status').getByText('Live').waitFor();
  return page;
}

// typeAtEndOfFirstLine types text at the end of the first line, a key at a
// time, as a person does.
export async function typeAtEndOfFirstLine(page, text) {
  await page.getByTestId('room-editor').locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('End');
  await page.keyboard.type(text, { delay: 25 });
}

