// Starting the real server and a real browser for the tests.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const end2endDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const artifactsDir = path.join(end2endDir, 'artifacts');

function required(name) {
  const value = process.env[name];
  if (!value || !existsSync(value)) {
    throw new Error(`${name} must name an existing path (got ${JSON.stringify(value)}); run these tests with \`cargo xtask test e2e\``);
  }
  return value;
}

/** A file of the shared STL corpus. */
export function corpus(relative) {
  const dir = process.env.TRAYFORGE_CORPUS ?? path.resolve(end2endDir, '../../shared/corpus');
  return path.join(dir, relative);
}

/** Runs `trayforge create-admin … --password-stdin`; rejects with its output unless it succeeds. */
async function createAdmin(bin, dir, env, { clinic, email, password }) {
  const child = spawn(bin, ['create-admin', '--clinic', clinic, '--email', email, '--password-stdin'], {
    cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  child.stdin.end(`${password}\n`);
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`create-admin exited with ${code}:\n${output}`);
}

/**
 * Starts `trayforge serve` on a free port with a fresh data folder.
 * `owner` ({clinic, email, password}) is created first, so the tests know
 * how to sign in (and no demo owner is made); `env` adds settings.
 */
export async function startServer({ owner, env: extraEnv = {} } = {}) {
  const bin = required('TRAYFORGE_BIN');
  const dist = required('TRAYFORGE_DIST');
  const dir = await mkdtemp(path.join(tmpdir(), 'trayforge-e2e-'));
  const env = {
    ...process.env,
    TRAYFORGE__SERVER__PORT: '0',
    TRAYFORGE__DATA__DIR: path.join(dir, 'data'),
    TRAYFORGE__SERVER__DIST_DIR: dist,
    TRAYFORGE__LOG__FORMAT: 'json',
    ...extraEnv,
  };
  if (owner) await createAdmin(bin, dir, env, owner);
  const child = spawn(bin, ['serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    /** What the server printed so far (the demo owner's password on a fresh start). */
    output: () => output,
    /** SIGTERM, then SIGKILL after 10 s; never hangs, even if the server already died. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const CHROMIUM_ARGS = [
  '--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** Debian's Chromium, headless, with WebGL2 through SwiftShader. */
export async function launchBrowser() {
  const profile = await mkdtemp(path.join(tmpdir(), 'trayforge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A new page that records console errors, uncaught exceptions and
 * Content-Security-Policy violations (every test runs under the server's policy).
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`);
    });
  });
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.goto(url);
  return { page, problems };
}

/** Pixels of the viewer canvas: all, and those in the model's warm colour (red well above blue). */
export async function canvasPixelStats(page) {
  return page.evaluate(() => {
    const source = document.querySelector('[data-testid=viewer]');
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    const context = copy.getContext('2d');
    context.drawImage(source, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    let model = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] - data[i + 2] > 50) model += 1;
    }
    return { total: data.length / 4, model };
  });
}

export async function screenshot(page, name) {
  await mkdir(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, name) });
}

/**
 * The real server and a browser for the tests of one file: started before
 * them, stopped after them. The returned object holds `server` and
 * `browser` once they have started. `options` go to `startServer`.
 */
export function serverAndBrowser(options) {
  const running = {};
  before(async () => {
    running.server = await startServer(options);
    running.browser = await launchBrowser();
  });
  after(async () => {
    await running.browser?.close();
    await running.server?.stop();
  });
  return running;
}

/**
 * Chromium reports every answered error status as a console error; `problems`
 * without those a test expects: a number is an HTTP status, a string any text.
 */
export function unexpected(problems, ...expectations) {
  const expected = expectations.map((it) => (typeof it === 'number' ? `the server responded with a status of ${it}` : it));
  return problems.filter((problem) => !expected.some((text) => problem.includes(text)));
}

/** The page's path and query. */
export function pathOf(page) {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

export async function waitForPath(page, expected) {
  await page.waitForURL((url) => `${url.pathname}${url.search}` === expected, { timeout: 15_000 });
}

/** Types `email` and `password` on the login page and presses Enter; resolves once the server has answered. */
export async function signIn(page, { email, password }) {
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill(password);
  const answered = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'));
  await page.getByTestId('password').press('Enter');
  await answered;
}

/** No sideways scrolling at this width: the page fits. */
export async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

/**
 * A request to `${serverUrl}/api/v1${path}` with the page's cookies and the
 * session's CSRF token, as the app sends them; asserts a 2xx and answers its
 * JSON (`null` for 204). `bytes` is an upload's body.
 */
export async function callApi(page, serverUrl, method, path, { json, bytes } = {}) {
  const cookies = await page.context().cookies(serverUrl);
  const headers = { 'X-CSRF-Token': cookies.find((cookie) => cookie.name === 'trayforge_csrf')?.value };
  const options = { method, headers };
  if (json !== undefined) options.data = json;
  if (bytes !== undefined) {
    headers['Content-Type'] = 'application/octet-stream';
    options.data = bytes;
  }
  const response = await page.request.fetch(`${serverUrl}/api/v1${path}`, options);
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? null : response.json();
}
