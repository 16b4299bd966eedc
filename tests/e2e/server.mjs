// server.mjs: starts a real `peluit serve` for the browser tests, on a free port with a fresh
// data directory, and stops it again. The binary is $PELUIT_BIN or build/test/peluit (relative
// to the repository root).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
const KEEP_LOG_CHARS = 20_000;

function binaryPath() {
  return path.resolve(repoRoot, process.env.PELUIT_BIN || 'build/test/peluit');
}

/* Appends text to a bounded log, keeping its tail. */
function appendTail(log, text) {
  const s = log + text;
  return s.length > KEEP_LOG_CHARS ? s.slice(s.length - KEEP_LOG_CHARS) : s;
}

/* Runs `bin args` to completion; resolves with its output, rejects on a non-zero exit. */
function run(bin, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out = appendTail(out, d.toString()); });
    child.stderr.on('data', (d) => { out = appendTail(out, d.toString()); });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(bin)} ${args.join(' ')} failed (code ${code}, signal ${signal}):\n${out}`));
    });
  });
}

/**
 * Starts the server. Resolves with {url, origin, stop, log}: `url` ends with '/', `stop()`
 * sends SIGTERM, waits for the exit (rejecting unless it exits 0) and removes the data
 * directory; `log()` returns the tail of the server's standard error (its request log).
 *
 * `users` (optional): staff accounts made with `peluit user add --password-file` before the
 * server starts, in order, each {username, role, password, name?, confirmed?}. The first
 * supervisor becomes the trust root; a later user with `confirmed: true` is confirmed by it
 * (`--confirm-as`), so that it receives reports at once.
 */
export async function startServer({ users = [] } = {}) {
  const bin = binaryPath();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'peluit-e2e-'));
  const env = { ...process.env, PELUIT_RATE_LIMITS: 'off' };
  delete env.PELUIT_DATA;
  delete env.PELUIT_DB;
  delete env.PELUIT_LISTEN;

  try {
    await run(bin, ['init', '--data', dataDir], env);
    const root = users.find((u) => u.role === 'supervisor');
    for (const [i, u] of users.entries()) {
      const file = path.join(dataDir, `e2e-password-${i}`);
      const rootFile = path.join(dataDir, 'e2e-password-root');
      await writeFile(file, `${u.password}\n`, { mode: 0o600 });
      const args = ['user', 'add', '--data', dataDir, '--username', u.username, '--role', u.role,
        '--password-file', file];
      if (u.name) args.push('--name', u.name);
      if (u.confirmed && root && u !== root) {
        await writeFile(rootFile, `${root.password}\n`, { mode: 0o600 });
        args.push('--confirm-as', root.username, '--confirm-password-file', rootFile);
      }
      await run(bin, args, env);
      await rm(file);
      await rm(rootFile, { force: true });
    }
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  const child = spawn(bin, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  child.stderr.on('data', (d) => { stderr = appendTail(stderr, d.toString()); });

  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`peluit serve did not report its address within ${STARTUP_TIMEOUT_MS} ms`));
      }, STARTUP_TIMEOUT_MS);
      child.stdout.on('data', (d) => {
        stdout = appendTail(stdout, d.toString());
        const m = /Peluit serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('error', (err) => { clearTimeout(timer); reject(err); });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`peluit serve exited early (code ${code}, signal ${signal})`));
      });
    });
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
    err.message += `\nstdout:\n${stdout}\nstderr:\n${stderr}`;
    throw err;
  }

  let stopping = null;
  async function stop() {
    if (stopping) return stopping;
    stopping = (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer;
      const result = await Promise.race([
        exited,
        new Promise((resolve) => {
          timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      let outcome = result;
      if (!result) {
        child.kill('SIGKILL');
        await exited;
        outcome = { code: null, signal: 'SIGKILL (did not stop on SIGTERM)' };
      }
      await rm(dataDir, { recursive: true, force: true });
      if (outcome.code !== 0) {
        throw new Error(`peluit serve did not exit cleanly on SIGTERM (code ${outcome.code}, ` +
          `signal ${outcome.signal}); stderr tail:\n${stderr}`);
      }
    })();
    return stopping;
  }

  return { url, origin: new URL(url).origin, stop, log: () => stderr };
}

/* ---- shared by the browser tests ---- */

export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
export const DESKTOP = { viewport: { width: 1280, height: 800 } };

/**
 * A new browser context and page (desktop, Indonesian, unless `contextOptions` says otherwise)
 * recording console errors, page errors, failed requests, every request, and in `refused` the
 * documents and uploads (XHR) answered with an error status (a refused form is one). Returns
 * {context, page, …} for assertClean.
 */
export async function openPage(browser, contextOptions = {}) {
  const context = await browser.newContext({ ...DESKTOP, locale: 'id-ID', ...contextOptions });
  const page = await context.newPage();
  const s = { context, page, consoleErrors: [], problems: [], requests: [], refused: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') s.consoleErrors.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => s.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => s.requests.push(r.url()));
  page.on('requestfailed', (r) => {
    // A request still running when the test moves to another page (the favicon) is aborted.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') s.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const kind = r.request().resourceType();
    if (kind === 'document' || kind === 'xhr') s.refused.push({ url: r.url(), status: r.status() });
    else s.problems.push(`sub-resource ${r.url()} answered ${r.status()}`);
  });
  return s;
}

/* No console error except Chromium's note about a form we expected to be refused, no page
 * error or failed request, nothing fetched from another host than `origin`, no template syntax
 * left, no sideways scrolling. */
export async function assertClean(s, origin) {
  const unexpected = s.consoleErrors.filter((e) => {
    const m = /status of (\d{3})/.exec(e.text);
    return !(m && s.refused.some((d) => d.url === e.url && d.status === Number(m[1])));
  });
  assert.deepEqual(unexpected, [], 'no console errors');
  assert.deepEqual(s.problems, [], 'no page errors or failed requests');
  assert.ok(s.requests.length > 0, 'requests were recorded');
  const foreign = s.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
  assert.deepEqual(foreign, [], 'no request to any host other than the server');
  const text = await s.page.locator('body').innerText();
  assert.doesNotMatch(text, /\{\{|\}\}/, 'no template syntax left in the page');
  const { scrollWidth, clientWidth } = await s.page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `no horizontal overflow (${scrollWidth} > ${clientWidth})`);
}

/* Clicks something that submits a form or follows a link, and waits for the new document. */
export async function go(page, locator) {
  await Promise.all([
    page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() }),
    locator.click(),
  ]);
  await page.waitForLoadState('load');
}

/* Signs in at /staff/login (in Indonesian) and expects the staff home. */
export async function signIn(page, baseUrl, user) {
  await page.goto(new URL('/staff/login', baseUrl).href);
  const form = page.locator('form[action^="/staff/login"]');
  await form.getByLabel('Nama pengguna').fill(user.username);
  await form.getByLabel('Kata sandi', { exact: true }).fill(user.password);
  await go(page, form.getByRole('button', { name: 'Masuk', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/staff', `${user.username} reaches the staff home`);
}

/**
 * Submits a report through the API (POST /api/v1/reports, multipart): `fields` as form fields
 * (an array value repeats the field), `files` [{name, type, data}] as evidence. Resolves with the
 * 201 body ({receipt, …}); rejects on any other answer.
 */
export async function submitReport(baseUrl, fields, files = []) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  }
  for (const f of files) form.append('evidence', new Blob([f.data], { type: f.type }), f.name);
  const res = await fetch(new URL('/api/v1/reports', baseUrl), { method: 'POST', body: form });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`submitting a report: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/* ---- a small real PNG, made here ---- */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/* A width×height RGB picture: a teal field with a lighter band. */
export function makePng(width = 48, height = 32) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const band = y > height / 3 && y < (2 * height) / 3;
      row[1 + x * 3] = band ? 200 : 11;
      row[2 + x * 3] = band ? 230 : 85;
      row[3 + x * 3] = band ? 228 : 96;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
