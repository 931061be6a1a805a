// Shared helpers for the behaviour suites: the npm package (the WASM build behind
// the JS facade) against the Node servers of tests/servers, the same scenarios as
// the native integration tests. Every wait is bounded: a hang fails the test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { interpreterFor, listeningPort, within } from '../../support/servers.mjs';

export { within };

const here = dirname(fileURLToPath(import.meta.url));
export const serversDir = join(here, '..', '..', 'servers');

assert.ok(process.env.TWINSOCK_NPM_DIR, 'set TWINSOCK_NPM_DIR to the assembled npm package (build/npm)');
/** The package, as users import it. */
export const twinsock = await import(pathToFileURL(join(process.env.TWINSOCK_NPM_DIR, 'dist', 'index.js')).href);

/** Default bound of a single wait. */
export const WAIT_MS = 5000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `pred` until it holds (resolves with its value) or `ms` pass (rejects with `what`). */
export async function eventually(pred, what = 'condition', ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await pred();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** The arguments of the next `event` of `emitter` (that satisfy `pred`), bounded. */
export function waitFor(emitter, event, ms = WAIT_MS, pred = () => true) {
  let fn;
  const p = new Promise((resolve) => {
    fn = (...args) => {
      if (!pred(...args)) return;
      emitter.off(event, fn);
      resolve(args);
    };
    emitter.on(event, fn);
  });
  return within(p, ms, `"${event}"`).finally(() => emitter.off(event, fn));
}

/** Starts `node tests/servers/<script> --port <port> ...args` (python3 for a .py) and waits for its {"port":N} line. */
export async function startServer(script, args = [], port = 0) {
  const proc = spawn(interpreterFor(script), [join(serversDir, script), ...args, '--port', String(port)],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const listening = await listeningPort(proc, script, () => stderr);
  proc.stdout.resume();
  const server = {
    script,
    args,
    port: listening,
    proc,
    url: (path = '/', scheme = 'http') => `${scheme}://127.0.0.1:${listening}${path}`,
    /** SIGKILL, as the native tests' kill_now(): connections drop without a goodbye. */
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await within(exited, 5000, `${script} to die`);
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await within(exited, 5000, `${script} to stop`).catch(() => proc.kill('SIGKILL'));
    },
    /** Kills the server if it still runs and starts it again on the same port. */
    async restart(extra = args) {
      await server.kill();
      return startServer(script, extra, listening);
    },
  };
  return server;
}

/** GET http://127.0.0.1:<port><path> and parse the JSON answer (the SSE server's /log). */
export function getJson(port, path) {
  return within(
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch {
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

/**
 * Things to shut at the end of a test, whatever happened: `track(x)` returns x and
 * remembers it; `closeAll()` closes/disposes each (sockets, managers, clients, servers).
 */
export function tracker() {
  const items = [];
  return {
    track(item) {
      items.push(item);
      return item;
    },
    async closeAll() {
      for (const item of items.reverse()) {
        try {
          if (typeof item.kill === 'function' && typeof item.restart === 'function') await item.stop();
          else if (typeof item.dispose === 'function') item.dispose();
          else if (typeof item.close === 'function') item.close();
        } catch { /* best effort */ }
      }
      items.length = 0;
    },
  };
}
