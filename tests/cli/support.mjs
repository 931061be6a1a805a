// Shared helpers for the `twinsock` CLI end-to-end tests: start the Node servers
// of tests/servers (on port 0), spawn the tool, read its --json output line by
// line. Every wait here is bounded: a hung tool fails the test, it never hangs it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { interpreterFor, listeningPort, within } from '../support/servers.mjs';

export { within };

const here = dirname(fileURLToPath(import.meta.url));
export const serversDir = join(here, '..', 'servers');
export const fixturesDir = join(here, 'fixtures');

export const BIN = process.env.TWINSOCK_BIN;
assert.ok(BIN, 'set TWINSOCK_BIN to the built twinsock binary');

// Longest a single tool run may take before it is killed and the test fails.
export const RUN_LIMIT_MS = 20_000;

const PROXY_VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];

/// The environment for the tool: the caller's, without any proxy settings (so a
/// proxy configured on the machine does not change what the tests see), plus `extra`.
export function toolEnv(extra = {}) {
  const env = { ...process.env };
  for (const name of PROXY_VARS) delete env[name];
  return { ...env, ...extra };
}

/// Starts `node <script> ...args` (python3 for a .py), waits for its {"port":N} line; returns { port, url(), stop() }.
export async function startServer(script, args = []) {
  const path = script.startsWith('/') ? script : join(serversDir, script);
  const proc = spawn(interpreterFor(script), [path, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const port = await listeningPort(proc, script, () => stderr);
  proc.stdout.resume();
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  return {
    port,
    proc,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await within(exited, 5000, `${script} to stop`).catch(() => proc.kill('SIGKILL'));
    },
  };
}

/// GET http://127.0.0.1:<port><path> and parse the JSON answer (the servers' /log).
export function getJson(port, path) {
  return within(
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(new Error(`GET ${path}: not JSON: ${body}`));
          }
        });
      });
      req.on('error', reject);
      req.end();
    }),
    5000,
    `GET ${path}`,
  );
}

/// A port nothing listens on: bound by a server that is stopped at once.
export async function unusedPort() {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/// Spawns the tool. Returns a handle:
///   events         parsed stdout lines so far (with --json)
///   write(line)    writes line (a string, or a Buffer of raw bytes) + "\n" to stdin; end() closes stdin
///   waitFor(pred)  resolves with the first event matching pred (bounded)
///   exchange(line, pred)  writes line, resolves with the next event matching pred (bounded)
///   signal(name)   sends the tool a signal ("SIGINT"); kill() ends it at once
///   done           resolves with { code, signal, stdout, stderr, events, lines }
/// stdin stays open unless `stdin` (a string, written then closed) is given, so the
/// tool does not end on EOF while a test waits for the server to act.
export function run(args, { stdin, env, limitMs = RUN_LIMIT_MS } = {}) {
  const proc = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? toolEnv() });
  let stdout = '';
  let stderr = '';
  let pending = '';
  const lines = [];
  const events = [];
  const waiters = [];
  proc.stdin.on('error', () => {});  // EPIPE once the tool has exited
  proc.stderr.on('data', (d) => (stderr += d));
  proc.stdout.on('data', (d) => {
    stdout += d;
    pending += d;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      lines.push(line);
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        continue;  // human output, or a defect checked by assertJsonLines
      }
      events.push(event);
      for (const w of [...waiters]) {
        if (w.pred(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    }
  });
  const killer = setTimeout(() => proc.kill('SIGKILL'), limitMs);
  const done = new Promise((resolve) => {
    proc.on('close', (code, signal) => {
      clearTimeout(killer);
      if (pending) lines.push(pending);
      const result = { code, signal, stdout, stderr, events, lines };
      for (const w of waiters) w.reject(new Error(`tool exited (code ${code}) before the awaited event; stdout:\n${stdout}\nstderr:\n${stderr}`));
      resolve(result);
    });
  });
  if (stdin !== undefined) proc.stdin.end(stdin);
  const describe = () => `twinsock ${args.join(' ')}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
  return {
    proc,
    events,
    done,
    write: (line) => proc.stdin.write(Buffer.isBuffer(line) ? Buffer.concat([line, Buffer.from('\n')]) : line + '\n'),
    end: () => proc.stdin.end(),
    kill: () => proc.kill('SIGKILL'),
    signal: (name) => proc.kill(name),
    stdout: () => stdout,
    stderr: () => stderr,
    /// Polls (bounded) until pred(stdout so far) holds: for the human format, which has no events.
    async waitForOutput(pred, ms = 10_000, what = 'output') {
      const deadline = Date.now() + ms;
      while (!pred(stdout)) {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`tool exited before ${what}\n${describe()}`);
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}\n${describe()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    waitFor(pred, ms = 10_000, what = 'event') {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      const p = new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
      return within(p, ms, `${what}\n${describe()}`);
    },
    /// Writes `line`, then resolves with the first event matching pred after those already seen (bounded).
    async exchange(line, pred, what = 'event') {
      const seen = events.filter(pred).length;
      proc.stdin.write(line + '\n');
      await this.waitFor(() => events.filter(pred).length > seen, 10_000, what);
      return events.filter(pred)[seen];
    },
    /// Resolves with the result once the tool exits; rejects (after killing it) if that takes > ms.
    async exit(ms = 15_000) {
      try {
        return await within(done, ms, `the tool to exit\n${describe()}`);
      } catch (e) {
        proc.kill('SIGKILL');
        throw e;
      }
    },
  };
}

/// Runs to completion; the stdin text (default: none, stdin kept open) and a bounded wait.
export async function runToEnd(args, options = {}) {
  const handle = run(args, options);
  return handle.exit(options.exitMs ?? 15_000);
}

/// A ws or sse run with --reconnect-attempts 2 --reconnect-delay 10 against a closed port:
/// two attempts, the first after about 10 ms (the jitter is +/- 50%), then RECONNECT_FAILED, exit 1.
export function assertGaveUpAfterTwoAttempts(result) {
  assert.equal(result.code, 1, show(result));
  assertJsonLines(result);
  const attempts = result.events.filter(ofType('reconnecting'));
  assert.deepEqual(attempts.map((e) => e.attempt), [1, 2], show(result));
  assert.ok(attempts[0].delay_ms >= 5 && attempts[0].delay_ms <= 15, show(result));
  assert.equal(errors(result).at(-1)?.code, 'TWINSOCK_ERR_RECONNECT_FAILED', show(result));
}

/// Every stdout line is a JSON object whose first key is "type".
export function assertJsonLines(result) {
  for (const line of result.lines) {
    let value;
    assert.doesNotThrow(() => (value = JSON.parse(line)), `stdout line is not JSON: ${line}`);
    assert.ok(value && typeof value === 'object' && !Array.isArray(value), `stdout line is not an object: ${line}`);
    assert.equal(Object.keys(value)[0], 'type', `first key is not "type": ${line}`);
  }
}

export const ofType = (type) => (e) => e.type === type;
export const messages = (result) => result.events.filter(ofType('message'));
export const errors = (result) => result.events.filter(ofType('error'));

/// Explains a failed run in assertion messages.
export function show(result) {
  return `exit ${result.code} (signal ${result.signal})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}
