// Shared helpers for the browser tests: start the demo server (web/demo/server.mjs),
// launch Debian's headless Chromium through playwright-core, open the demo page.
// Every wait is bounded, so a hung page fails a test instead of hanging it.
//
// The page must run the twinsock package (build/npm); with TWINSOCK_DEMO_ALLOW_FALLBACK=1
// the tests also accept the server's socket.io-client fallback (to debug the harness
// itself before the package exists).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SERVER = join(ROOT, 'web', 'demo', 'server.mjs');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ALLOW_FALLBACK = process.env.TWINSOCK_DEMO_ALLOW_FALLBACK === '1';
// The flags that work on these machines (closed network, root, no GPU).
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/// Resolves or rejects `promise`, or rejects after `ms` with `what` in the message.
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let packed;
/// The npm package as users get it: `npm pack` of build/npm, unpacked into a temporary
/// folder (once per process), so the page runs exactly what the tarball holds.
export function packedPackage() {
  if (packed) return packed;
  const dir = mkdtempSync(join(tmpdir(), 'twinsock-pack-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir, join(ROOT, 'build', 'npm')],
                               { encoding: 'utf8', env }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  packed = join(dir, 'package');
  return packed;
}

/// Starts the demo server on `port` (0: a free one); returns { port, url, output(), kill(), stop() }.
/// The server serves the packed package unless TWINSOCK_NPM_DIR names another folder.
export async function startDemo(port = 0) {
  const npmDir = process.env.TWINSOCK_NPM_DIR ?? (ALLOW_FALLBACK ? undefined : packedPackage());
  const proc = spawn(process.execPath, [SERVER, '--port', String(port)],
                     { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(npmDir ? { TWINSOCK_NPM_DIR: npmDir } : {}) } });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const url = await within(
    new Promise((resolve, reject) => {
      proc.stdout.on('data', () => {
        const m = /twinsock demo on (http:\/\/\S+\/)/.exec(output);
        if (m) resolve(m[1]);
      });
      proc.on('exit', (code) => reject(new Error(`server.mjs exited with ${code} before listening:\n${output}`)));
    }),
    10_000,
    'the demo server to listen',
  ).catch((e) => {
    proc.kill('SIGKILL');
    throw e;
  });
  const stopWith = async (signal) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await within(exited, 5000, 'the demo server to stop').catch(() => proc.kill('SIGKILL'));
  };
  return {
    url,
    port: Number(new URL(url).port),
    output: () => output,
    kill: () => stopWith('SIGKILL'),
    stop: () => stopWith('SIGTERM'),
  };
}

/// Launches headless Chromium with a new, empty profile (plus `extraArgs`); returns { context, close() }.
export async function launchBrowser(extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), 'twinsock-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...extraArgs],
      viewport: { width: 1040, height: 600 },
      timeout: 30_000,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  context.setDefaultTimeout(10_000);
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/// Opens a page at `url` and keeps its console errors and uncaught exceptions in page.problems.
export async function openPage(browser, url) {
  const page = await browser.context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && page.problems.push(`console: ${m.text()}`));
  await page.goto(url);
  return page;
}

/// Opens the demo as player `name` and waits until it is connected and knows itself.
export async function openDemo(browser, baseUrl, { name, color } = {}) {
  const query = new URLSearchParams({ ...(name && { name }), ...(color && { color }) });
  const page = await openPage(browser, `${baseUrl}?${query}`);
  await waitFor(page, () => window.demo?.status === 'connected' && window.demo.players[window.demo.id], 'the demo to connect');
  assertTwinsock(page, await page.evaluate(() => window.demoClient));
  return page;
}

/// Fails unless the page runs the twinsock package (see ALLOW_FALLBACK).
export function assertTwinsock(page, client) {
  if (ALLOW_FALLBACK && client === 'socket.io-client') return;
  assert.equal(client, 'twinsock', `the page runs ${client}, not the twinsock package: is build/npm/dist/index.js built?`);
}

/// page.waitForFunction with a message that says what was awaited and what the page logged.
export async function waitFor(page, fn, what, arg, timeout = 10_000) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch (e) {
    const state = await page.evaluate(() => JSON.stringify(window.demo ?? null)).catch(() => '?');
    throw new Error(`${what}: ${e.message.split('\n')[0]}\n  page state: ${state}\n  page problems: ${JSON.stringify(page.problems)}`);
  }
}
