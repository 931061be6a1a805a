// The Node benchmark client of `npm run bench`: the same scenarios as
// bench/native/{sio,raw}_client_bench.cpp, run with either twinsock's npm
// package (the WASM build, build/npm) or the reference clients
// (socket.io-client 4.8, ws 8, eventsource). One scenario per process; prints one
// JSON line on stdout (read by bench/run.mjs). echo, emit, burst, ws and sse are
// bench/shared/scenarios.mjs, which the Chromium leg (bench/browser/) runs too.
//
//   node [--expose-gc] client-bench.mjs SCENARIO --impl twinsock|reference --url URL [--n N] ...
//   SCENARIO: connect (--mode ws|upgrade --warm K), echo (--n --warmup), emit (--n --batch),
//             burst (--n), conns (--n), ws (--n --size --window), sse (--n)
//   --npm DIR: the twinsock package (default build/npm)
//
// Client CPU is process.cpuUsage() (user+system) around the measured phase only.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { connectSocket, percentile, scenarios as sharedScenarios } from '../shared/scenarios.mjs';

const argv = process.argv.slice(2);
const scenario = argv[0];
const flag = (name, fallback) => {
  const at = argv.lastIndexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const num = (name, fallback) => Number(flag(name, fallback));
const impl = flag('impl', 'reference');
const url = flag('url', 'http://127.0.0.1:3000');

const done = (result) => {
  process.stdout.write(JSON.stringify({ ok: true, ...result }) + '\n', () => process.exit(0));
};
const fail = (why) => {
  process.stdout.write(JSON.stringify({ ok: false, error: String(why) }) + '\n', () => process.exit(1));
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
setTimeout(() => fail(`timeout: ${scenario}`), num('timeout', 300) * 1000).unref();

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const nowMs = () => performance.now();
const rssKb = () => process.memoryUsage().rss / 1024;
const gc = () => globalThis.gc?.();
const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const loadStart = nowMs();
const twinsockUrl = () => pathToFileURL(resolve(flag('npm', 'build/npm'), 'dist/index.js')).href;
const lib = impl === 'twinsock' ? await import(twinsockUrl()) : null;
const load = async (reference) => lib ?? (await import(reference));

const sio = ['connect', 'echo', 'emit', 'burst', 'conns'].includes(scenario)
  ? (await load('socket.io-client')).io
  : null;
const loadMs = nowMs() - loadStart;
const WebSocketClient = scenario === 'ws' ? (lib?.ReconnectingWebSocket ?? (await import('ws')).default) : null;
const EventSourceClient = scenario === 'sse' ? (lib?.EventSourceClient ?? (await import('eventsource')).EventSource) : null;

/** What bench/shared/scenarios.mjs needs from this runtime and client. */
const env = {
  url,
  io: sio,
  openWebSocket: (u) => (lib ? new WebSocketClient(u, { reconnect: false }) : new WebSocketClient(u, { perMessageDeflate: false })),
  // twinsock: its own parser over fetch (the native client's code), not the eventsource peer.
  openEventSource: (u) => (lib ? new EventSourceClient(u, { transport: 'fetch', reconnect: false }) : new EventSourceClient(u)),
  now: nowMs,
  tick,
  cpuSample: cpuUs,
  cpuSpent: (a, b) => ({ cpu: b - a }),
};

/** Wall time until `connect`, and this process's CPU meanwhile (the rest is the server's, on the same CPU). */
async function connectOnce(mode) {
  const cpu0 = cpuUs();
  const t0 = nowMs();
  const socket = await connectSocket(env, mode);
  const time = { ms: nowMs() - t0, cpuMs: (cpuUs() - cpu0) / 1000 };
  socket.disconnect();
  await tick();
  return time;
}

/** The scenarios that only make sense in Node: a cold first connect, and RSS per connection. */
const nodeScenarios = {
  async connect() {
    const mode = flag('mode', 'ws');
    const cold = await connectOnce(mode);
    const warm = [];
    for (let i = 0, n = num('warm', 30); i < n; i++) warm.push((await connectOnce(mode)).ms);
    return { cold_ms: cold.ms, cold_cpu_ms: cold.cpuMs, warm_ms: percentile(warm, 50), warm_min_ms: percentile(warm, 0), load_ms: loadMs };
  },

  async conns() {
    const n = num('n', 1000);
    (await connectSocket(env)).disconnect();  // pages in the code paths first
    await sleep(100);
    gc();
    const rss0 = rssKb();
    const cpu0 = cpuUs();
    const t0 = nowMs();
    const sockets = await Promise.all(Array.from({ length: n }, () => connectSocket(env)));
    const allMs = nowMs() - t0;
    const cpu = cpuUs() - cpu0;
    await sleep(200);
    gc();
    const rss1 = rssKb();
    for (const s of sockets) s.disconnect();
    return { rss_kb_per_conn: (rss1 - rss0) / n, all_connected_ms: allMs, cpu_us_per_conn: cpu / n, connected: sockets.length };
  },
};

/** --n, --warmup, --batch, --window, --size as numbers, for the shared scenarios. */
const params = Object.fromEntries(['n', 'warmup', 'batch', 'window', 'size']
  .filter((name) => flag(name) !== undefined).map((name) => [name, num(name)]));

const runScenario = nodeScenarios[scenario] ?? (sharedScenarios[scenario] && (() => sharedScenarios[scenario](env, params)));
if (!runScenario) fail(`unknown scenario ${scenario}`);
else runScenario().then(done, fail);
