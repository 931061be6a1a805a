// `npm run bench` (scripts/bench builds first, then runs this): starts the reference
// servers, runs every scenario with twinsock native (build/bench), twinsock WASM in
// Node (the npm package, build/npm) and the reference Node clients (socket.io-client
// 4.8, ws 8, eventsource) against the same servers, then the scenarios that fit a
// page in headless Chromium (bench/browser/: twinsock's npm package against
// socket.io-client's browser bundle and the browser's WebSocket and EventSource), and
// prints one markdown table per scenario, also written to bench/results/latest.md.
//
//   node bench/run.mjs [--quick] [--runs N] [--only connect,echo,emit,burst,conns,conns10k,ws,sse,codec,size,chromium]
//                      [--cpu 1] [--bench-dir build/bench] [--npm build/npm]
//
// Every figure is the median of N runs (5; --quick: 1 run and smaller counts) with
// [min–max]. Each run is a fresh client process (in Chromium: a fresh tab and renderer).
// Servers and clients are pinned to the same CPU (taskset -c 1; Chromium with all its
// processes). Client CPU = getrusage / process.cpuUsage() of the client process around
// the measured phase only; in Chromium, see bench/browser/chromium-bench.mjs.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zc } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const at = argv.lastIndexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const quick = argv.includes('--quick');
const RUNS = Number(opt('runs', quick ? 1 : 5));
const CPU = opt('cpu', process.env.BENCH_CPU ?? (cpus().length > 1 ? '1' : '0'));
const BENCH_DIR = resolve(opt('bench-dir', 'build/bench'));
const NPM_DIR = resolve(opt('npm', 'build/npm'));
const only = opt('only', null)?.split(',');
const want = (id) => !only || only.includes(id);

const N = quick
  ? { warm: 10, echo: 500, echoWarmup: 500, emit: 20000, burst: 20000, conns: 200, conns10k: 2000, ws: 20000, sse: 20000 }
  : { warm: 30, echo: 2000, echoWarmup: 5000, emit: 200000, burst: 200000, conns: 1000, conns10k: 10000, ws: 200000, sse: 100000 };
// Chromium delivers each WebSocket message through its network service process (a few
// thousand small messages per second on a busy 2-core machine), and every run opens a
// fresh tab: smaller counts keep the whole leg near 2 minutes.
const NC = quick
  ? { echo: 200, echoWarmup: 100, emit: 5000, burst: 5000, ws: 5000, sse: 10000 }
  : { echo: 1000, echoWarmup: 1000, emit: 10000, burst: 10000, ws: 10000, sse: 20000 };

const NATIVE_SIO = join(BENCH_DIR, 'bench/sio_client_bench');
const NATIVE_RAW = join(BENCH_DIR, 'bench/raw_client_bench');
const CODEC = join(BENCH_DIR, 'bench/codec_bench');
const NODE_CLIENT = join(ROOT, 'bench/node/client-bench.mjs');
const CHROMIUM_BENCH = join(ROOT, 'bench/browser/chromium-bench.mjs');

const log = (...a) => console.error(...a);
const hardFdLimit = () => {
  const v = execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return v === 'unlimited' ? 1 << 20 : Number(v);
};
const FD_LIMIT = Math.min(hardFdLimit(), 1 << 20);

/** argv run pinned to the bench CPU with the fd limit raised to the hard limit. */
const pinned = (cmd, args) => ['bash', ['-c', `ulimit -n ${FD_LIMIT} && exec taskset -c ${CPU} "$@"`, 'bench', cmd, ...args]];

/** Runs a client (pinned unless pin: false); resolves to its last stdout line's JSON, ok or not. */
function run(cmd, args, { timeoutMs = 600_000, pin = true } = {}) {
  return new Promise((res) => {
    const [c, a] = pin ? pinned(cmd, args) : [cmd, args];
    const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(line);
        res(r.ok ? r : { ...r, ok: false, error: r.error ?? `exit ${code}` });
      } catch {
        res({ ok: false, error: `exit ${code}: ${(err || out).trim().split('\n').slice(-2).join(' ').slice(0, 200)}` });
      }
    });
  });
}

async function startServer(script) {
  const [c, a] = pinned('node', [join(ROOT, 'bench/servers', script)]);
  const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((res, rej) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/\{"port":(\d+)\}/);
      if (m) res(Number(m[1]));
    });
    child.on('exit', (code) => rej(new Error(`${script} exited with ${code}`)));
  });
  child.stdout.resume();
  return { child, port };
}

// --- statistics and formatting --------------------------------------------------

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtNum = (x) => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100000) return `${(x / 1000).toFixed(0)}k`;
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
};
/** {median, min, max, n, errors} of one client's values of one metric. */
const summarize = (values, errors = []) =>
  values.length
    ? { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length, errors }
    : { median: NaN, n: 0, errors };
const cell = (s, unit) => {
  if (!s || !s.n) return s?.errors?.length ? `failed: ${s.errors[0]}` : '—';
  const range = s.n > 1 ? ` [${fmtNum(s.min)}–${fmtNum(s.max)}]` : '';
  const failed = s.errors.length ? ` (${s.errors.length} failed)` : '';
  return `${fmtNum(s.median)} ${unit}${range}${failed}`;
};
const ratio = (a, ref) => (a?.n && ref?.n ? `${(a.median / ref.median).toFixed(2)}×` : '—');

const out = [];
const emit = (text = '') => {
  out.push(text);
  console.log(text);
};

// --- client matrix ------------------------------------------------------------

const CLIENTS = {
  native: { label: 'twinsock native' },
  wasm: { label: 'twinsock WASM (Node)' },
  chromium: { label: 'twinsock WASM (Chromium)' },
  reference: { label: 'reference' },
};

const nodeArgs = (scenario, impl, args) => ['--expose-gc', NODE_CLIENT, scenario, '--impl', impl, '--npm', NPM_DIR, ...args];
const commandFor = (client, bin, scenario, args) =>
  client === 'native'
    ? [bin, [scenario, ...args]]
    : ['node', nodeArgs(scenario, client === 'wasm' ? 'twinsock' : 'reference', args)];

/**
 * Runs `scenario` RUNS times for each client (interleaved: one run of each client,
 * then the next run), returns {client: {metric: summary}}.
 */
async function measure(title, clients, bin, scenario, args, metrics, runs = RUNS) {
  log(`· ${title}`);
  const values = Object.fromEntries(clients.map((c) => [c, Object.fromEntries(metrics.map((m) => [m, []]))]));
  const errors = Object.fromEntries(clients.map((c) => [c, []]));
  for (let i = 0; i < runs; i++) {
    for (const c of clients) {
      const [cmd, a] = commandFor(c, bin, scenario, args);
      const r = await run(cmd, a);
      if (!r.ok) {
        errors[c].push(r.error);
        log(`  ${c}: ${r.error}`);
        continue;
      }
      for (const m of metrics) if (typeof r[m] === 'number') values[c][m].push(r[m]);
    }
  }
  return Object.fromEntries(
    clients.map((c) => [c, Object.fromEntries(metrics.map((m) => [m, summarize(values[c][m], errors[c])]))]),
  );
}

/**
 * A markdown table: one row per metric, the twinsock columns with their ratio to the
 * reference; targets: false leaves out the native targets' columns.
 */
function table(title, refLabel, res, rows, { clients = ['native', 'wasm', 'reference'], targets = true } = {}) {
  emit(`### ${title}`);
  emit();
  const hasRef = clients.includes('reference');
  const head = ['metric'];
  for (const c of clients) {
    if (c === 'reference') head.push(refLabel);
    else head.push(CLIENTS[c].label, ...(hasRef ? ['ratio'] : []));
  }
  if (targets) head.push('target (native)', 'met');
  emit(`| ${head.join(' | ')} |`);
  emit(`|${head.map(() => '---').join('|')}|`);
  for (const row of rows) {
    const cols = [row.label];
    for (const c of clients) {
      const s = res[c]?.[row.key];
      if (c === 'reference') cols.push(cell(s, row.unit));
      else cols.push(cell(s, row.unit), ...(hasRef ? [ratio(s, res.reference?.[row.key])] : []));
    }
    const native = res.native?.[row.key];
    if (targets && row.target) {
      const met = !row.target.check ? '' : native?.n ? (row.target.check(native.median, res.reference?.[row.key]) ? '✅ met' : '❌ missed') : '—';
      cols.push(row.target.text, met);
    } else if (targets) cols.push('—', '');
    emit(`| ${cols.join(' | ')} |`);
  }
  emit();
}

const atMost = (limit, unit, issueRef) => ({
  text: `≤ ${limit} ${unit}${issueRef ? ` (issue: socket.io-client ${issueRef})` : ''}`,
  check: (v) => v <= limit,
});
/** A CPU target: the issue's absolute figure, and at most 1/5 of this run's socket.io-client. */
const cpuTarget = (limit, issueRef) => ({
  text: `≤ ${limit} µs (issue: socket.io-client ${issueRef} µs) and ≤ 1/5 of this run's reference`,
  check: (v, ref) => v <= limit && (!ref?.n || v <= ref.median / 5),
});

// --- scenarios ------------------------------------------------------------------

const notes = [];
const t0 = Date.now();
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
})();

const needsNative = ['connect', 'echo', 'emit', 'burst', 'conns', 'conns10k', 'ws', 'sse'].some(want);
const needsServers = needsNative || want('chromium');
for (const f of [...(needsNative ? [NATIVE_SIO, NATIVE_RAW] : []), ...(needsServers ? [join(NPM_DIR, 'dist/index.js')] : [])]) {
  if (!existsSync(f)) throw new Error(`${f} is missing: run scripts/bench (it builds it)`);
}
const sioServer = needsServers ? await startServer('sio-bench-server.mjs') : null;
const wsServer = want('ws') || want('chromium') ? await startServer('ws-bench-server.mjs') : null;
const sseServer = want('sse') || want('chromium') ? await startServer('sse-bench-server.mjs') : null;
const stopServers = () => [sioServer, wsServer, sseServer].forEach((s) => s?.child.kill('SIGTERM'));
process.on('exit', stopServers);
process.on('SIGINT', () => process.exit(130));
const SIO_URL = sioServer && `http://127.0.0.1:${sioServer.port}`;

emit(`# twinsock benchmarks${quick ? ' (quick)' : ''}`);
emit();
emit(`${new Date().toISOString()} · commit ${commit} · Node ${process.version} · ${cpus()[0]?.model ?? '?'} × ${cpus().length} · ` +
     `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start`);
emit();
emit(`Each figure: median of ${RUNS} run${RUNS > 1 ? 's' : ''} [min–max], each run a fresh client process; servers and ` +
     `clients pinned to CPU ${CPU} (taskset -c ${CPU}); ratio = twinsock ÷ reference (lower is better for times, CPU and ` +
     `memory, higher for msgs/s). Client CPU = user+sys of the client process over the measured phase only. ` +
     `Reference clients: socket.io-client 4.8, ws 8, eventsource 4 (all in Node; section 9: the browser's own in ` +
     `headless Chromium). Socket.IO scenarios 2–5 use the ` +
     `websocket transport only; servers: bench/servers/ (socket.io 4.8 with default ping settings).`);
emit();

const SIO3 = ['native', 'wasm', 'reference'];

if (want('connect')) {
  const res = {};
  for (const mode of ['ws', 'upgrade']) {
    res[mode] = await measure(`connect (${mode})`, SIO3, NATIVE_SIO, 'connect',
      ['--url', SIO_URL, '--mode', mode, '--warm', String(N.warm)], ['cold_ms', 'cold_cpu_ms', 'warm_ms', 'load_ms']);
  }
  const merged = Object.fromEntries(SIO3.map((c) => [c, {
    ws_cold: res.ws[c].cold_ms, ws_cold_cpu: res.ws[c].cold_cpu_ms, ws_warm: res.ws[c].warm_ms,
    up_cold: res.upgrade[c].cold_ms, up_warm: res.upgrade[c].warm_ms,
    load: res.ws[c].load_ms,
  }]));
  table(`1. Connect time to \`connect\` (cold: first connect of a fresh process; warm: median of ${N.warm} more)`,
    'socket.io-client 4.8', merged, [
      { key: 'ws_cold', label: 'websocket only, cold', unit: 'ms', target: atMost(2, 'ms', '18 ms') },
      { key: 'ws_cold_cpu', label: 'websocket only, cold: client CPU meanwhile (the rest is the server, same CPU)', unit: 'ms' },
      { key: 'ws_warm', label: 'websocket only, warm', unit: 'ms', target: { text: '— (issue: socket.io-client 1.4 ms)' } },
      { key: 'up_cold', label: 'polling then upgrade, cold', unit: 'ms', target: atMost(2, 'ms', '18 ms') },
      { key: 'up_warm', label: 'polling then upgrade, warm', unit: 'ms', target: { text: '—' } },
      { key: 'load', label: 'module import before the first io() (not in cold)', unit: 'ms' },
    ]);
}

if (want('echo')) {
  const res = await measure('echo', SIO3, NATIVE_SIO, 'echo',
    ['--url', SIO_URL, '--n', String(N.echo), '--warmup', String(N.echoWarmup)], ['p50_us', 'p99_us', 'cpu_us_per_op']);
  table(`2. Echo with ack: ${N.echo} sequential round trips of {"x":1,"s":"hello"} (after ${N.echoWarmup} warm-up)`,
    'socket.io-client 4.8', res, [
      { key: 'p50_us', label: 'RTT p50', unit: 'µs' },
      { key: 'p99_us', label: 'RTT p99', unit: 'µs' },
      { key: 'cpu_us_per_op', label: 'client CPU per round trip', unit: 'µs', target: cpuTarget(3.6, 18) },
    ]);
}

if (want('emit')) {
  const res = await measure('emit', SIO3, NATIVE_SIO, 'emit', ['--url', SIO_URL, '--n', String(N.emit)], ['msgs_per_s', 'cpu_us_per_msg']);
  table(`3. Client → server: ${N.emit.toLocaleString('en')} emits of a 16-byte string (1000 per event-loop turn), confirmed by the server's count`,
    'socket.io-client 4.8', res, [
      { key: 'msgs_per_s', label: 'throughput', unit: 'msgs/s' },
      { key: 'cpu_us_per_msg', label: 'client CPU per message', unit: 'µs', target: cpuTarget(0.5, 2.5) },
    ]);
}

if (want('burst')) {
  const res = await measure('burst', SIO3, NATIVE_SIO, 'burst', ['--url', SIO_URL, '--n', String(N.burst)], ['msgs_per_s', 'cpu_us_per_msg']);
  table(`4. Server → client: a burst of ${N.burst.toLocaleString('en')} events of 16-byte strings`,
    'socket.io-client 4.8', res, [
      { key: 'msgs_per_s', label: 'throughput', unit: 'msgs/s' },
      { key: 'cpu_us_per_msg', label: 'client CPU per message', unit: 'µs', target: cpuTarget(0.44, 2.2) },
    ]);
}

if (want('conns')) {
  const res = await measure('conns', SIO3, NATIVE_SIO, 'conns', ['--url', SIO_URL, '--n', String(N.conns)],
    ['rss_kb_per_conn', 'all_connected_ms', 'cpu_us_per_conn']);
  table(`5. ${N.conns.toLocaleString('en')} concurrent Socket.IO connections from one process (all opened at once)`,
    'socket.io-client 4.8', res, [
      { key: 'rss_kb_per_conn', label: 'RSS per connection', unit: 'KB', target: atMost(8, 'KB', '58 KB') },
      { key: 'all_connected_ms', label: 'time until all connected', unit: 'ms' },
      { key: 'cpu_us_per_conn', label: 'client CPU per connection', unit: 'µs' },
    ]);
}

if (want('conns10k')) {
  const n = N.conns10k;
  if (FD_LIMIT < n + 200) {
    const note = `5b. ${n.toLocaleString('en')} connections skipped: the fd limit can only be raised to ${FD_LIMIT}.`;
    notes.push(note);
    emit(`### ${note}`);
    emit();
  } else {
    const res = await measure('conns 10k', ['native'], NATIVE_SIO, 'conns', ['--url', SIO_URL, '--n', String(n)],
      ['rss_kb_per_conn', 'all_connected_ms', 'cpu_us_per_conn']);
    table(`5b. ${n.toLocaleString('en')} concurrent Socket.IO connections, twinsock native only (fd limit ${FD_LIMIT})`, '', res, [
      { key: 'rss_kb_per_conn', label: 'RSS per connection', unit: 'KB', target: atMost(8, 'KB', '58 KB') },
      { key: 'all_connected_ms', label: 'time until all connected', unit: 'ms' },
      { key: 'cpu_us_per_conn', label: 'client CPU per connection', unit: 'µs' },
    ], { clients: ['native'] });
  }
}

if (want('ws')) {
  const url = `ws://127.0.0.1:${wsServer.port}/echo`;
  const res = await measure('ws', SIO3, NATIVE_RAW, 'ws', ['--url', url, '--n', String(N.ws), '--size', '32', '--window', '1000'],
    ['msgs_per_s', 'cpu_us_per_msg']);
  table(`6a. Raw WebSocket echo: ${N.ws.toLocaleString('en')} 32-byte text messages, pipelined (1000 in flight), against a \`ws\` 8 server`,
    '`ws` 8 client', res, [
      { key: 'msgs_per_s', label: 'round trips per second', unit: 'msgs/s' },
      { key: 'cpu_us_per_msg', label: 'client CPU per round trip', unit: 'µs' },
    ]);
}

if (want('sse')) {
  const url = `http://127.0.0.1:${sseServer.port}/events?n=${N.sse}&size=16`;
  const res = await measure('sse', SIO3, NATIVE_RAW, 'sse', ['--url', url, '--n', String(N.sse)], ['msgs_per_s', 'cpu_us_per_msg']);
  table(`6b. SSE: one stream of ${N.sse.toLocaleString('en')} events of 16 bytes (twinsock WASM: its own parser over fetch)`,
    '`eventsource` 4', res, [
      { key: 'msgs_per_s', label: 'events per second', unit: 'ev/s' },
      { key: 'cpu_us_per_msg', label: 'client CPU per event', unit: 'µs' },
    ]);
}

if (want('codec')) {
  log('· codec micro-benchmarks');
  const args = ['--benchmark_format=json', `--benchmark_repetitions=${RUNS}`, `--benchmark_min_time=${quick ? 0.05 : 0.2}`];
  const [c, a] = pinned(CODEC, args);
  let json = null;
  try {
    json = JSON.parse(execFileSync(c, a, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch (e) {
    emit(`### 7. Codec micro-benchmarks: failed (${String(e.message).split('\n')[0]})`);
  }
  if (json) {
    const by = {};
    for (const b of json.benchmarks.filter((x) => (x.run_type ?? 'iteration') === 'iteration')) {
      (by[b.run_name ?? b.name] ??= []).push(b.cpu_time);  // time_unit ns (the default)
    }
    const ns = (name) => (by[name] ? cell(summarize(by[name]), 'ns') : '—');
    emit(`### 7. Codec micro-benchmarks (Google Benchmark, twinsock native, Release; CPU ns per operation, median of ${RUNS} repetitions [min–max])`);
    emit();
    emit('| codec | encode | decode |');
    emit('|---|---|---|');
    const rows = [
      ['WebSocket frame, 32-byte text (encode: masked, key from the system CSPRNG)', 'BM_WsEncode/32', 'BM_WsDecode/32'],
      ['WebSocket frame, 1 KiB text', 'BM_WsEncode/1024', 'BM_WsDecode/1024'],
      ['WebSocket frame, 32-byte text, fixed mask key (no CSPRNG)', 'BM_WsEncodeFixedKey/32', null],
      ['WebSocket frame, 1 KiB text, fixed mask key (no CSPRNG)', 'BM_WsEncodeFixedKey/1024', null],
      ['SSE event `data: <16 B>` (client: decode only)', null, 'BM_SseDecode'],
      ['SSE event with id and event fields', null, 'BM_SseDecodeWithId'],
      ['Engine.IO packet (WebSocket text message)', 'BM_EioPacketEncode', 'BM_EioPacketDecode'],
      ['Engine.IO polling payload, 1 packet', 'BM_EioPayloadEncode/1', 'BM_EioPayloadDecode/1'],
      ['Engine.IO polling payload, 10 packets', 'BM_EioPayloadEncode/10', 'BM_EioPayloadDecode/10'],
      ['Socket.IO EVENT with ack id, ["msg",{"x":1,"s":"hello"}]', 'BM_SioEncode', 'BM_SioDecode'],
      ['Socket.IO EVENT with binary (16-byte attachment)', 'BM_SioEncodeBinary', 'BM_SioDecodeBinary'],
    ];
    for (const [label, enc, dec] of rows) emit(`| ${label} | ${enc ? ns(enc) : '—'} | ${dec ? ns(dec) : '—'} |`);
    emit();
  }
}

if (want('size')) {
  log('· package size');
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  let line = '';
  try {
    line = execFileSync('node', [join(ROOT, 'scripts/package-size.mjs'), NPM_DIR], { encoding: 'utf8' }).trim();
  } catch (e) {
    line = `failed: ${e.message}`;
  }
  // "package size: wasm A KB (gzip B KB, brotli C KB), js D KB (gzip E KB, brotli F KB), total gzip ..."
  const m = line.match(/wasm ([\d.]+) KB \(gzip ([\d.]+) KB, brotli ([\d.]+) KB\), js ([\d.]+) KB \(gzip ([\d.]+) KB, brotli ([\d.]+) KB\)/);
  const refFile = join(ROOT, 'node_modules/socket.io-client/dist/socket.io.min.js');
  const refBytes = readFileSync(refFile);
  const ref = {
    raw: refBytes.length,
    gzip: gzipSync(refBytes, { level: 9 }).length,
    brotli: brotliCompressSync(refBytes, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  emit('### 8. npm package size (scripts/package-size.mjs: gzip -9, brotli q11)');
  emit();
  emit('| | raw | gzip | brotli |');
  emit('|---|---|---|---|');
  if (m) {
    const [w, wg, wb, j, jg, jb] = m.slice(1).map(Number);
    const t = [w + j, wg + jg, wb + jb];
    emit(`| twinsock .wasm | ${w.toFixed(1)} KB | ${wg.toFixed(1)} KB | ${wb.toFixed(1)} KB |`);
    emit(`| twinsock JS (dist/*.js, *.mjs) | ${j.toFixed(1)} KB | ${jg.toFixed(1)} KB | ${jb.toFixed(1)} KB |`);
    emit(`| **twinsock total** | ${t[0].toFixed(1)} KB | ${t[1].toFixed(1)} KB | ${t[2].toFixed(1)} KB |`);
    emit(`| socket.io-client 4.8 dist/socket.io.min.js | ${kb(ref.raw)} | ${kb(ref.gzip)} | ${kb(ref.brotli)} |`);
    emit(`| ratio twinsock ÷ socket.io-client | ${(t[0] * 1024 / ref.raw).toFixed(2)}× | ${(t[1] * 1024 / ref.gzip).toFixed(2)}× | ${(t[2] * 1024 / ref.brotli).toFixed(2)}× |`);
  } else {
    emit(`| twinsock | ${line} | | |`);
    emit(`| socket.io-client 4.8 dist/socket.io.min.js | ${kb(ref.raw)} | ${kb(ref.gzip)} | ${kb(ref.brotli)} |`);
  }
  emit();
  emit(`(twinsock covers Socket.IO, a reconnecting WebSocket and SSE; socket.io-client only Socket.IO. ${line})`);
  emit();
}

if (want('chromium')) {
  log('· headless Chromium');
  const sseUrl = `http://127.0.0.1:${sseServer.port}/events?n=${NC.sse}&size=16`;
  const plan = {
    runs: RUNS, cpu: CPU, npm: NPM_DIR, scenarios: [
      { id: 'echo', scenario: 'echo', url: SIO_URL, params: { n: NC.echo, warmup: NC.echoWarmup } },
      { id: 'emit', scenario: 'emit', url: SIO_URL, params: { n: NC.emit } },
      { id: 'burst', scenario: 'burst', url: SIO_URL, params: { n: NC.burst } },
      { id: 'ws', scenario: 'ws', url: `ws://127.0.0.1:${wsServer.port}/echo`, params: { n: NC.ws, size: 32, window: 1000 } },
      { id: 'sse', scenario: 'sse', url: sseUrl, params: { n: NC.sse } },
    ],
  };
  // The runner itself is not pinned: it only waits while Chromium (pinned) measures.
  const r = await run('node', [CHROMIUM_BENCH, '--plan', JSON.stringify(plan)], { pin: false, timeoutMs: 900_000 });
  if (!r.ok) {
    const note = `9. Headless Chromium: skipped (${r.skipped ?? `failed: ${r.error}`}).`;
    notes.push(note);
    emit(`### ${note}`);
    emit();
  } else {
    /** {chromium: {"<id>.<metric>": summary}, reference: {...}} for table(). */
    const results = (metrics) => Object.fromEntries([['chromium', 'twinsock'], ['reference', 'reference']].map(([column, impl]) => [
      column, Object.fromEntries(metrics.map(([id, metric]) => [`${id}.${metric}`, summarize(
        (r.results[id]?.[impl] ?? []).map((x) => x[metric]).filter(Number.isFinite), r.errors[id]?.[impl] ?? [])])),
    ]));
    /** The two CPU rows of scenario `id`, whose results say <key>_us_per_<unit>. */
    const cpuRows = (id, unit, per) => [
      { key: `${id}.cpu_us_per_${unit}`, label: `CPU per ${per}, all Chromium processes`, unit: 'µs' },
      { key: `${id}.main_us_per_${unit}`, label: `CPU per ${per}, the page's main thread`, unit: 'µs' },
    ];
    const keys = (rows) => rows.map((row) => row.key.split('.'));
    const chromiumTable = (title, refLabel, rows) =>
      table(title, refLabel, results(keys(rows)), rows, { clients: ['chromium', 'reference'], targets: false });

    emit(`### 9. In headless Chromium (${r.version}): twinsock WASM vs the browser's own clients`);
    emit();
    emit(`The same scenario code as the Node clients (bench/shared/scenarios.mjs) in a page, each run in a fresh tab ` +
         `(its own renderer process) of one headless Chromium, pinned with all its processes to CPU ${CPU} like the ` +
         `servers; twinsock = the npm package (build/npm), reference = socket.io-client 4.8's browser bundle ` +
         `(dist/socket.io.esm.min.js), the browser's WebSocket and EventSource. Smaller counts than in Node: Chromium ` +
         `carries every WebSocket message through its network service process. CPU over the measured phase, read ` +
         `through the DevTools protocol: "all Chromium processes" = user+sys of every process (SystemInfo.getProcessInfo; ` +
         `the network service does the socket I/O and WebSocket framing for both clients, the renderer runs the page), ` +
         `"main thread" = the page's main thread, where the clients' JavaScript and WASM run (Performance.getMetrics ` +
         `ThreadTime). This leg took ${(r.wall_ms / 1000).toFixed(0)} s.`);
    emit();
    chromiumTable(`9a. Socket.IO (websocket transport): echo with ack, ${NC.echo.toLocaleString('en')} round trips of {"x":1,"s":"hello"} ` +
                  `(after ${NC.echoWarmup}); ${NC.emit.toLocaleString('en')} emits client → server (1000 per turn, confirmed by the server's count); ` +
                  `a burst of ${NC.burst.toLocaleString('en')} events server → client`, 'socket.io-client 4.8 (browser bundle)', [
      { key: 'echo.p50_us', label: 'echo RTT p50', unit: 'µs' },
      { key: 'echo.p99_us', label: 'echo RTT p99', unit: 'µs' },
      ...cpuRows('echo', 'op', 'round trip'),
      { key: 'emit.msgs_per_s', label: 'emit throughput', unit: 'msgs/s' },
      ...cpuRows('emit', 'msg', 'emit'),
      { key: 'burst.msgs_per_s', label: 'burst throughput', unit: 'msgs/s' },
      ...cpuRows('burst', 'msg', 'burst event'),
    ]);
    chromiumTable(`9b. Raw WebSocket echo: ${NC.ws.toLocaleString('en')} 32-byte text messages, pipelined (1000 in flight)`,
      "the browser's WebSocket", [
        { key: 'ws.msgs_per_s', label: 'round trips per second', unit: 'msgs/s' },
        ...cpuRows('ws', 'msg', 'round trip'),
      ]);
    chromiumTable(`9c. SSE: one stream of ${NC.sse.toLocaleString('en')} events of 16 bytes (twinsock: its own parser over fetch)`,
      "the browser's EventSource", [
        { key: 'sse.msgs_per_s', label: 'events per second', unit: 'ev/s' },
        ...cpuRows('sse', 'msg', 'event'),
      ]);
  }
}

emit(`Total bench time ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/latest.md'), out.join('\n') + '\n');
log('written to bench/results/latest.md');
stopServers();
process.exit(0);
