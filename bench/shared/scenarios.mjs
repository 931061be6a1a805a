// The measured scenarios of `npm run bench` that run unchanged in Node
// (bench/node/client-bench.mjs) and in headless Chromium (bench/browser/page.mjs), so
// every JavaScript client, in either runtime, runs exactly the same code. What differs
// per runtime and client comes in `env`:
//   io(url, options)       twinsock's or socket.io-client's io()
//   openWebSocket(url)     a raw WebSocket client (onopen / onmessage / onerror, send, close)
//   openEventSource(url)   an SSE client (onmessage / onerror, close)
//   now()                  milliseconds (performance.now)
//   tick()                 a promise that resolves on a later event-loop turn (a macrotask)
//   cpuSample()            a (promise of a) CPU reading of the client
//   cpuSpent(a, b)         {cpu: µs[, main: µs]} between two readings; each becomes a
//                          <key>_us_per_<unit> field of the result
// Each scenario takes (env, params) and resolves to one flat object of numbers.

export const percentile = (values, p) => {
  const v = [...values].sort((a, b) => a - b);
  const rank = Math.min(v.length, Math.max(1, Math.ceil((p / 100) * v.length)));
  return v[rank - 1];
};

/** One client per call, never reconnecting; mode "ws" = the websocket transport only. */
export const sioOptions = (mode) => ({
  forceNew: true,
  reconnection: false,
  ...(mode === 'ws' ? { transports: ['websocket'] } : {}),
});

export function connectSocket(env, mode = 'ws') {
  return new Promise((resolve, reject) => {
    const socket = env.io(env.url, sioOptions(mode));
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

/**
 * Runs `phase` between two CPU readings; resolves to {result, cpu: {<key>_us_per_<unit>}, ms},
 * ms being the phase's own time (the readings, a round trip to the runner in Chromium, excluded).
 */
async function measured(env, n, unit, phase) {
  const cpu0 = await env.cpuSample();
  const t0 = env.now();
  const result = await phase();
  const ms = env.now() - t0;
  const spent = env.cpuSpent(cpu0, await env.cpuSample());
  return { result, ms, cpu: Object.fromEntries(Object.entries(spent).map(([key, us]) => [`${key}_us_per_${unit}`, us / n])) };
}

export const scenarios = {
  async echo(env, { n = 2000, warmup = 200 }) {
    const socket = await connectSocket(env);
    const payload = { x: 1, s: 'hello' };
    const roundTrip = () => new Promise((resolve, reject) => {
      const t = env.now();
      socket.emit('echo', payload, (answer) => (answer?.x === 1 ? resolve(env.now() - t) : reject(new Error('bad echo ack'))));
    });
    for (let i = 0; i < warmup; i++) await roundTrip();
    const { result: rtt, cpu, ms } = await measured(env, n, 'op', async () => {
      const times = [];
      for (let i = 0; i < n; i++) times.push(await roundTrip());
      return times;
    });
    socket.disconnect();
    return { p50_us: percentile(rtt, 50) * 1000, p99_us: percentile(rtt, 99) * 1000, ...cpu, total_ms: ms };
  },

  async emit(env, { n = 200000, batch = 1000 }) {
    const socket = await connectSocket(env);
    const { result: count, cpu, ms } = await measured(env, n, 'msg', async () => {
      for (let sent = 0; sent < n;) {
        for (let i = 0; i < batch && sent < n; i++, sent++) socket.emit('msg', '0123456789abcdef');
        if (sent < n) await env.tick();
      }
      return new Promise((resolve) => socket.emit('count', resolve));
    });
    if (count !== n) throw new Error(`server counted ${count} of ${n}`);
    socket.disconnect();
    return { msgs_per_s: n / (ms / 1000), ...cpu };
  },

  async burst(env, { n = 200000 }) {
    const socket = await connectSocket(env);
    let received = 0;
    let bad = 0;
    let t0 = 0;
    let tEnd = 0;
    const finished = new Promise((resolve) => socket.on('burst-done', resolve));
    socket.on('b', (s) => {
      if (typeof s !== 'string') bad++;
      if (++received === n) tEnd = env.now();
    });
    const { cpu } = await measured(env, n, 'msg', () => {
      t0 = env.now();
      socket.emit('burst', n, 16);
      return finished;
    });
    if (bad) throw new Error(`${bad} bad burst items`);
    if (received !== n) throw new Error(`received ${received} of ${n}`);
    socket.disconnect();
    return { msgs_per_s: n / ((tEnd - t0) / 1000), ...cpu };
  },

  // --- raw WebSocket ------------------------------------------------------------

  /** Pipelined echo: `window` messages in flight, each answer sends the next. */
  async ws(env, { n = 200000, window: windowSize = 1000, size = 32 }) {
    const message = 'x'.repeat(size);
    const socket = env.openWebSocket(env.url);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = (e) => reject(new Error(e?.message ?? 'websocket error'));
    });
    const { cpu, ms } = await measured(env, n, 'msg', () => new Promise((resolve, reject) => {
      let sent = 0;
      let received = 0;
      socket.onerror = (e) => reject(new Error(e?.message ?? 'websocket error'));
      socket.onmessage = (e) => {
        if (e.data.length !== message.length) reject(new Error('bad echo'));
        if (++received === n) return resolve();
        if (sent < n) {
          socket.send(message);
          sent++;
        }
      };
      for (; sent < windowSize && sent < n; sent++) socket.send(message);
    }));
    socket.onerror = null;
    socket.close();
    return { msgs_per_s: n / (ms / 1000), ...cpu };
  },

  // --- SSE ---------------------------------------------------------------------

  /** One stream of n events from its request to its last event. */
  async sse(env, { n = 100000 }) {
    const { result: source, cpu, ms } = await measured(env, n, 'msg', () => new Promise((resolve, reject) => {
      const source = env.openEventSource(env.url);
      let received = 0;
      source.onerror = (e) => received < n && reject(new Error(e?.message ?? 'sse error'));
      source.onmessage = (e) => {
        if (e.data.length !== 16) reject(new Error('bad event'));
        if (++received === n) resolve(source);
      };
    }));
    source.onerror = null;
    source.close();
    return { msgs_per_s: n / (ms / 1000), ...cpu };
  },
};
