// The Chromium leg of `npm run bench`: runs scenarios of bench/shared/scenarios.mjs in
// Debian's headless Chromium, with twinsock's npm package and with the
// browser's own references (socket.io-client's browser bundle, WebSocket, EventSource),
// against the servers bench/run.mjs started. Usage (bench/run.mjs writes the plan):
//
//   node bench/browser/chromium-bench.mjs --plan '{"runs":5,"cpu":"1","npm":"build/npm",
//     "scenarios":[{"id":"echo","scenario":"echo","url":"http://127.0.0.1:PORT","params":{"n":2000}}, ...]}'
//
// Prints one JSON line: {ok, version, wall_ms, results: {id: {impl: [result, ...]}},
// errors: {id: {impl: [message, ...]}}}, or {ok: false, skipped: why} when Chromium is
// missing or does not start.
//
// One browser for the whole leg, started by hand through the DevTools pipe (cdp.mjs says
// why not playwright), pinned to the servers' CPU (chromium-pinned: taskset on the browser,
// inherited by every process it starts); each (run, scenario, client) gets a fresh tab,
// so a fresh renderer process, and waits (bounded) until Chromium is quiet before the
// scenario starts. The page is served from here with COOP/COEP
// headers: cross-origin isolated, performance.now() has 5 µs steps instead of 100 µs.
//
// CPU, read through the DevTools protocol at the start and the end of the measured phase
// (the page asks through the binding benchCpuRequest, see page.mjs):
//   cpu   user+sys of all of Chromium's processes (SystemInfo.getProcessInfo cpuTime, per
//         pid; 10 ms steps): renderer, network service (where the browser's WebSocket and
//         fetch do the socket I/O and framing), browser process, GPU process.
//   main  CPU time of the page's main thread (Performance.getMetrics ThreadTime), where
//         every client's JavaScript and twinsock's WASM run.
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Cdp } from './cdp.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

const argv = process.argv.slice(2);
const planAt = argv.lastIndexOf('--plan');
const plan = planAt >= 0 ? JSON.parse(argv[planAt + 1]) : {};
const IMPLS = ['twinsock', 'reference'];
const SCENARIO_TIMEOUT_MS = 120_000;

const print = (result) => process.stdout.write(JSON.stringify(result) + '\n');
const log = (...a) => console.error('  chromium:', ...a);

// --- the page's files -------------------------------------------------------------

const MOUNTS = [
  ['/twinsock/', resolve(ROOT, plan.npm ?? 'build/npm')],
  ['/socket.io-client/', join(ROOT, 'node_modules/socket.io-client/dist')],
  ['/shared/', join(ROOT, 'bench/shared')],
  ['/', HERE],
];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** The file `path` names under one of the mounts, or null (outside them, missing, not a file). */
function fileFor(path) {
  const [prefix, dir] = MOUNTS.find(([p]) => path.startsWith(p));
  const file = normalize(join(dir, path === '/' ? 'page.html' : path.slice(prefix.length)));
  const rel = relative(dir, file);
  if (rel.startsWith('..') || rel.startsWith(sep)) return null;
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

function startPageServer() {
  const server = createServer((req, res) => {
    const file = fileFor(new URL(req.url, 'http://x').pathname);
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(readFileSync(file));
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res(server)));
}

// --- Chromium -------------------------------------------------------------------

async function launch() {
  let support;
  try {
    support = await import('../../tests/browser/support.mjs');  // Debian's Chromium and the flags that work here
  } catch (e) {
    return { skipped: `tests/browser/support.mjs did not load (${e.message.split('\n')[0]})` };
  }
  if (!existsSync(support.CHROMIUM)) return { skipped: `${support.CHROMIUM} is missing` };
  const profile = mkdtempSync(join(tmpdir(), 'twinsock-bench-chromium-'));
  process.on('exit', () => rmSync(profile, { recursive: true, force: true }));
  const cdp = Cdp.launch(join(HERE, 'chromium-pinned'),
    [...support.CHROMIUM_FLAGS, `--user-data-dir=${profile}`, '--no-startup-window'],
    { ...process.env, BENCH_CPU: String(plan.cpu ?? '1'), CHROMIUM: support.CHROMIUM });
  process.on('exit', () => cdp.child.kill('SIGKILL'));  // whatever happens to this runner
  try {
    const { product } = await support.within(cdp.send('Browser.getVersion'), 60_000, 'Chromium to start');
    return { cdp, version: product, within: support.within };
  } catch (e) {
    cdp.child.kill('SIGKILL');
    return { skipped: `Chromium did not start: ${e.message.split('\n')[0]}` };
  }
}

/** A CPU reading: every Chromium process's cpuTime by pid, and the page's main-thread time (seconds). */
async function cpuSample(cdp, sessionId) {
  const [{ processInfo }, { metrics }] = await Promise.all([
    cdp.send('SystemInfo.getProcessInfo'),
    cdp.send('Performance.getMetrics', {}, sessionId),
  ]);
  return {
    processes: Object.fromEntries(processInfo.map((p) => [p.id, p.cpuTime])),
    mainThread: metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN,
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (at most `ms`) until Chromium is quiet: under 10 ms of CPU in all its processes
 * over 250 ms. A new browser and a new tab keep working for a while after they are
 * "ready"; that work is not the client's.
 */
async function settle(cdp, ms) {
  const total = async () => (await cdp.send('SystemInfo.getProcessInfo')).processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
  const end = Date.now() + ms;
  for (let before = await total(); Date.now() < end;) {
    await sleep(250);
    const now = await total();
    if (now - before < 0.01) return;
    before = now;
  }
}

/** Answers the page's CPU requests (benchCpuRequest(id) -> window.benchCpuReply(id, reading)). */
function answerCpuRequests(cdp) {
  cdp.on('Runtime.bindingCalled', async ({ name, payload }, sessionId) => {
    if (name !== 'benchCpuRequest') return;
    const reading = await cpuSample(cdp, sessionId);
    const expression = `window.benchCpuReply(${Number(payload)}, ${JSON.stringify(reading)})`;
    cdp.send('Runtime.evaluate', { expression }, sessionId).catch(() => {});
  });
}

/** Evaluates `expression` in the tab (awaiting a promise); resolves to its value or rejects with its exception. */
async function evaluate(cdp, sessionId, expression) {
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
  if (exceptionDetails) throw new Error(exceptionDetails.exception?.description?.split('\n')[0] ?? exceptionDetails.text);
  return result.value;
}

/** Polls until the page has defined window.bench (the tab may still be on about:blank). */
async function pageReady(cdp, sessionId, within) {
  const ready = async () => {
    for (;;) {
      if (await evaluate(cdp, sessionId, "typeof window.bench === 'function'").catch(() => false)) return;
      await sleep(50);
    }
  };
  await within(ready(), 30_000, 'the bench page to load');
}

/**
 * Opens the browser context of the whole leg with one blank tab that stays open: the
 * first tab of a window costs seconds of CPU (Chromium loads its top-chrome WebUI), so
 * every scenario's tab joins this window instead, once Chromium is quiet again.
 */
async function openWindow({ cdp }) {
  const { browserContextId } = await cdp.send('Target.createBrowserContext');
  await cdp.send('Target.createTarget', { url: 'about:blank', browserContextId });
  await settle(cdp, 10_000);
  return browserContextId;
}

/** One scenario with one client in a fresh tab (a fresh renderer process); resolves to its result object. */
async function runOnce({ cdp, within }, browserContextId, pageUrl, impl, { scenario, url, params }) {
  // Opened at the page itself: a later navigation to it (COOP) would swap the renderer
  // process and lose the binding and the Performance domain.
  const { targetId } = await cdp.send('Target.createTarget', { url: pageUrl, browserContextId, newWindow: false });
  try {
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    await pageReady(cdp, sessionId, within);
    await cdp.send('Runtime.addBinding', { name: 'benchCpuRequest' }, sessionId);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' }, sessionId);
    await settle(cdp, 1500);
    const call = `window.bench(${[impl, scenario, url, params ?? {}].map((a) => JSON.stringify(a)).join(', ')})`;
    return await within(evaluate(cdp, sessionId, call), SCENARIO_TIMEOUT_MS, `${scenario} (${impl})`);
  } finally {
    await cdp.send('Target.closeTarget', { targetId }).catch(() => {});
  }
}

const t0 = Date.now();
const browser = await launch();
if (browser.skipped) {
  print({ ok: false, skipped: browser.skipped });
  process.exit(0);
}
answerCpuRequests(browser.cdp);
const browserContextId = await openWindow(browser);
const pageServer = await startPageServer();
const pageUrl = `http://127.0.0.1:${pageServer.address().port}/`;

const results = {};
const errors = {};
for (let run = 0; run < (plan.runs ?? 1); run++) {
  for (const s of plan.scenarios ?? []) {
    for (const impl of IMPLS) {
      try {
        ((results[s.id] ??= {})[impl] ??= []).push(await runOnce(browser, browserContextId, pageUrl, impl, s));
      } catch (e) {
        ((errors[s.id] ??= {})[impl] ??= []).push(e.message);
        log(`${s.id} ${impl}: ${e.message}`);
      }
    }
  }
}
await browser.cdp.close();
pageServer.close();
print({ ok: true, version: browser.version, wall_ms: Date.now() - t0, results, errors });
process.exit(0);
