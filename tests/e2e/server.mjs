// server.mjs: starts a real `peluit serve` for the browser tests, on a free port with a fresh
// data directory, and stops it again. The binary is $PELUIT_BIN or build/test/peluit (relative
// to the repository root).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
 * server starts, in order, each {username, role, password, name?}. The first supervisor
 * becomes the trust root.
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
    for (const [i, u] of users.entries()) {
      const file = path.join(dataDir, `e2e-password-${i}`);
      await writeFile(file, `${u.password}\n`, { mode: 0o600 });
      const args = ['user', 'add', '--data', dataDir, '--username', u.username, '--role', u.role,
        '--password-file', file];
      if (u.name) args.push('--name', u.name);
      await run(bin, args, env);
      await rm(file);
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
