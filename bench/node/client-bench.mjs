// The Node benchmark client of `npm run bench`: the same scenarios as
// bench/native/{sio,raw}_client_bench.cpp, run with either twinsock's npm
// package (the WASM build, build/npm) or the reference clients
// (socket.io-client 4.8, ws 8, eventsource). One scenario per process; prints one
// JSON line on stdout (read by bench/run.mjs).
//
//   node [--expose-gc] client-bench.mjs SCENARIO --impl twinsock|reference --url URL [--n N] ...
//   SCENARIO: connect (--mode ws|upgrade --warm K), echo (--n --warmup), emit (--n --batch),
//             burst (--n), conns (--n), ws (--n --size --window), sse (--n)
//   --npm DIR: the twinsock package (default build/npm)
//
// Client CPU is process.cpuUsage() (user+system) around the measured phase only.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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
const percentile = (values, p) => {
  const v = [...values].sort((a, b) => a - b);
  const rank = Math.min(v.length, Math.max(1, Math.ceil((p / 100) * v.length)));
  return v[rank - 1];
};
const rssKb = () => process.memoryUsage().rss / 1024;
const gc = () => globalThis.gc?.();
const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const loadStart = nowMs();
const twinsockUrl = () => pathToFileURL(resolve(flag('npm', 'build/npm'), 'dist/index.js')).href;
const lib = impl === 'twinsock' ? await import(twinsockUrl()) : null;
const load = async (reference) => lib ?? (await import(reference));

// --- Socket.IO ----------------------------------------------------------------

const sio = ['connect', 'echo', 'emit', 'burst', 'conns'].includes(scenario)
  ? (await load('socket.io-client')).io
  : null;
const loadMs = nowMs() - loadStart;

const sioOptions = (mode) => ({
  forceNew: true,
  reconnection: false,
  ...(mode === 'ws' ? { transports: ['websocket'] } : {}),
});

function connectSocket(mode = 'ws') {
  return new Promise((resolveConnect, reject) => {
    const socket = sio(url, sioOptions(mode));
    socket.once('connect', () => resolveConnect(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

async function connectOnce(mode) {
  const t0 = nowMs();
  const socket = await connectSocket(mode);
  const ms = nowMs() - t0;
  socket.disconnect();
  await tick();
  return ms;
}

const scenarios = {
  async connect() {
    const mode = flag('mode', 'ws');
    const cold = await connectOnce(mode);
    const warm = [];
    for (let i = 0, n = num('warm', 30); i < n; i++) warm.push(await connectOnce(mode));
    return { cold_ms: cold, warm_ms: percentile(warm, 50), warm_min_ms: percentile(warm, 0), load_ms: loadMs };
  },

  async echo() {
    const socket = await connectSocket();
    const payload = { x: 1, s: 'hello' };
    const warmup = num('warmup', 200);
    const n = num('n', 2000);
    const rtt = [];
    const roundTrip = () => new Promise((res) => {
      const t = nowMs();
      socket.emit('echo', payload, (answer) => {
        if (answer?.x !== 1) fail('bad echo ack');
        res(nowMs() - t);
      });
    });
    for (let i = 0; i < warmup; i++) await roundTrip();
    const cpu0 = cpuUs();
    const t0 = nowMs();
    for (let i = 0; i < n; i++) rtt.push(await roundTrip());
    const cpu = cpuUs() - cpu0;
    const total = nowMs() - t0;
    socket.disconnect();
    return {
      p50_us: percentile(rtt, 50) * 1000,
      p99_us: percentile(rtt, 99) * 1000,
      cpu_us_per_op: cpu / n,
      total_ms: total,
    };
  },

  async emit() {
    const socket = await connectSocket();
    const n = num('n', 200000);
    const batch = num('batch', 1000);
    const cpu0 = cpuUs();
    const t0 = nowMs();
    for (let sent = 0; sent < n;) {
      for (let i = 0; i < batch && sent < n; i++, sent++) socket.emit('msg', '0123456789abcdef');
      if (sent < n) await tick();
    }
    const count = await new Promise((res) => socket.emit('count', res));
    const cpu = cpuUs() - cpu0;
    const secs = (nowMs() - t0) / 1000;
    if (count !== n) fail(`server counted ${count} of ${n}`);
    socket.disconnect();
    return { msgs_per_s: n / secs, cpu_us_per_msg: cpu / n };
  },

  async burst() {
    const socket = await connectSocket();
    const n = num('n', 200000);
    let received = 0;
    let tEnd = 0;
    const finished = new Promise((res) => socket.on('burst-done', res));
    socket.on('b', (s) => {
      if (typeof s !== 'string') fail('bad burst item');
      if (++received === n) tEnd = nowMs();
    });
    const cpu0 = cpuUs();
    const t0 = nowMs();
    socket.emit('burst', n, 16);
    await finished;
    const cpu = cpuUs() - cpu0;
    if (received !== n) fail(`received ${received} of ${n}`);
    socket.disconnect();
    return { msgs_per_s: n / ((tEnd - t0) / 1000), cpu_us_per_msg: cpu / n };
  },

  async conns() {
    const n = num('n', 1000);
    (await connectSocket()).disconnect();  // pages in the code paths first
    await sleep(100);
    gc();
    const rss0 = rssKb();
    const cpu0 = cpuUs();
    const t0 = nowMs();
    const sockets = await Promise.all(Array.from({ length: n }, () => connectSocket()));
    const allMs = nowMs() - t0;
    const cpu = cpuUs() - cpu0;
    await sleep(200);
    gc();
    const rss1 = rssKb();
    for (const s of sockets) s.disconnect();
    return { rss_kb_per_conn: (rss1 - rss0) / n, all_connected_ms: allMs, cpu_us_per_conn: cpu / n, connected: sockets.length };
  },

  // --- raw WebSocket ------------------------------------------------------------

  async ws() {
    const WS = lib ? lib.ReconnectingWebSocket : (await import('ws')).default;
    const n = num('n', 200000);
    const windowSize = num('window', 1000);
    const message = 'x'.repeat(num('size', 32));
    const socket = lib ? new WS(url, { reconnect: false }) : new WS(url, { perMessageDeflate: false });
    let sent = 0;
    let received = 0;
    let cpu0 = 0;
    let t0 = 0;
    await new Promise((res, rej) => {
      socket.onerror = (e) => rej(new Error(e?.message ?? 'websocket error'));
      socket.onopen = () => {
        cpu0 = cpuUs();
        t0 = nowMs();
        for (; sent < windowSize && sent < n; sent++) socket.send(message);
      };
      socket.onmessage = (e) => {
        if (e.data.length !== message.length) rej(new Error('bad echo'));
        if (++received === n) return res();
        if (sent < n) {
          socket.send(message);
          sent++;
        }
      };
    });
    const cpu = cpuUs() - cpu0;
    const secs = (nowMs() - t0) / 1000;
    socket.onerror = null;
    socket.close();
    return { msgs_per_s: n / secs, cpu_us_per_msg: cpu / n };
  },

  // --- SSE ---------------------------------------------------------------------

  async sse() {
    const n = num('n', 100000);
    const ES = lib ? lib.EventSourceClient : (await import('eventsource')).EventSource;
    let received = 0;
    const cpu0 = cpuUs();
    const t0 = nowMs();
    // twinsock: its own parser over fetch (the native client's code), not the eventsource peer.
    const source = lib ? new ES(url, { transport: 'fetch', reconnect: false }) : new ES(url);
    await new Promise((res, rej) => {
      source.onerror = (e) => received < n && rej(new Error(e?.message ?? 'sse error'));
      source.onmessage = (e) => {
        if (e.data.length !== 16) rej(new Error('bad event'));
        if (++received === n) res();
      };
    });
    const cpu = cpuUs() - cpu0;
    const secs = (nowMs() - t0) / 1000;
    source.onerror = null;
    source.close();
    return { msgs_per_s: n / secs, cpu_us_per_msg: cpu / n };
  },
};

if (!scenarios[scenario]) fail(`unknown scenario ${scenario}`);
else done(await scenarios[scenario]());
