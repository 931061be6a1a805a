// Socket.IO under faults: the npm package (the WASM build behind the JS facade) against
// the socket.io 4.8 server of tests/servers/chaos-sio-server.mjs, through the chaos
// proxy (tests/chaos/proxy.mjs). Each scenario prints a "chaos: ..." summary line.
// Timings are measured and printed; the only bounds asserted are the ones the
// protocol promises (a stall is noticed within pingInterval + pingTimeout, a clock
// jump before pingTimeout), with generous margins, and the backoff's lower bounds.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { eventually, proxyTo, repeats, sleep, spread, startServer, summary, tracker, twinsock } from './support.mjs';

const { Manager } = twinsock;
const here = dirname(fileURLToPath(import.meta.url));

/** Quick reconnections: the scenarios cut often. */
const FAST = { reconnectionDelay: 50, reconnectionDelayMax: 200 };
/** The server's heartbeat (chaos-sio-server.mjs defaults, as socket.io's own test suite). */
const PING_INTERVAL = 300;
const PING_TIMEOUT = 200;

/** What a Socket went through: connects, disconnect reasons, how long each outage lasted. */
function watch(s) {
  const log = { connects: 0, recovered: 0, disconnects: [], outages: [], downAt: 0 };
  s.on('connect', () => {
    log.connects++;
    if (s.recovered) log.recovered++;
    if (log.downAt) log.outages.push(Date.now() - log.downAt);
    log.downAt = 0;
  });
  s.on('disconnect', (reason) => {
    log.disconnects.push(reason);
    log.downAt = Date.now();
  });
  return log;
}

/**
 * The server's log of "seq" ids against 0..n-1 sent one at a time with retries: each id
 * first arrives after the one before it, and a repeat can only be a resend of the newest.
 */
function checkSerial(arrivals, n) {
  let next = 0;
  let duplicates = 0;
  arrivals.forEach((id, at) => {
    if (id === next) return void next++;
    assert.equal(id, next - 1, `arrival ${at}: id ${id} while expecting ${next} (or a resend of ${next - 1})`);
    duplicates++;
  });
  assert.equal(next, n, `the server got ids 0..${next - 1} of 0..${n - 1}`);
  return duplicates;
}

describe('Socket.IO (WASM facade) through the chaos proxy', () => {
  let t;
  beforeEach(() => { t = tracker(); });
  afterEach(async () => { await t.closeAll(); });

  /** chaos-sio-server.mjs (its own, per test) behind a proxy, and a Manager on the proxy. */
  async function setup(managerOptions, serverArgs = []) {
    const server = t.track(await startServer('chaos-sio-server.mjs', serverArgs));
    const proxy = t.track(await proxyTo(server));
    const manager = t.track(new Manager(`http://127.0.0.1:${proxy.port}`, managerOptions));
    return { server, proxy, manager };
  }

  // (1) At-least-once: the retries queue resends what a cut swallowed.
  for (const [transports, n] of [[['websocket'], 10_000], [['polling', 'websocket'], 2_000]]) {
    const name = transports.join('+');
    test(`retries (${name}): ${n} acked emits reach the server complete and in order while the link is cut every 250 ms`,
         { timeout: 60_000 }, async () => {
      const { proxy, manager } = await setup({ transports, ...FAST });
      const s = manager.socket('/', { retries: 5, ackTimeout: 2000 });
      const log = watch(s);
      await eventually(() => s.connected, 'connect');
      const calls = new Array(n).fill(0);
      const acked = [];
      const failures = [];
      const started = Date.now();
      proxy.cutEvery(250);
      try {
        // In 20 batches over at least 1.2 s, so that several cuts fall among the emits
        // however fast this machine sends them.
        for (let i = 0; i < n; i++) {
          if (i > 0 && i % (n / 20) === 0) await sleep(60);
          s.emit('seq', i, (err, id) => {
            calls[i]++;
            acked.push(i);
            if (err || id !== i) failures.push({ i, err: err?.code, id });
          });
        }
        await eventually(() => acked.length >= n, `${n} acks`, 50_000);
      } finally {
        proxy.cutEvery(0);
      }
      const elapsed = Date.now() - started;
      await eventually(() => s.connected, 'the last reconnection');
      const arrivals = await s.timeout(10_000).emitWithAck('seq-log');
      await sleep(100);  // a second call of some ack would show by now

      assert.deepEqual(failures, [], 'every ack succeeds with its own id');
      assert.deepEqual(calls.filter((c) => c !== 1), [], 'each ack is called exactly once');
      assert.deepEqual(acked, [...Array(n).keys()], 'acks come in emit order');
      const duplicates = checkSerial(arrivals, n);
      const { cuts } = proxy.stats();
      assert.ok(log.disconnects.length >= 3, `the link was cut (${log.disconnects.length} disconnects)`);
      summary(`sio-retries-${name}`, {
        emits: n, acks: acked.length, server_deliveries: arrivals.length, duplicates, cuts,
        disconnects: log.disconnects.length, outage_ms: spread(log.outages), elapsed_ms: elapsed,
      });
    });
  }

  // (2) Connection state recovery: what the server sent while the link was down is replayed once.
  // Over polling the server learns that a connection died only when a poll request breaks
  // or its heartbeat runs out, and socket.io keeps a session for recovery only once it
  // learned: a client back sooner gets a new session. So it waits out the server's window.
  const RECOVERABLE = { websocket: FAST, polling: { reconnectionDelay: 800, reconnectionDelayMax: 800, randomizationFactor: 0 } };
  for (const transport of ['websocket', 'polling']) {
    test(`recovery (${transport}): every event the server sends across short cuts arrives exactly once, in order`,
         { timeout: 30_000 }, async () => {
      const { proxy, manager } = await setup({ transports: [transport], ...RECOVERABLE[transport] });
      const s = manager.socket('/');
      const log = watch(s);
      const ticks = [];
      let done = null;
      s.on('tick', (i) => ticks.push(i));
      s.on('ticks-done', (count) => (done = count));
      await eventually(() => s.connected, 'connect');
      const count = 1000;
      s.emit('ticks', { count, every: 3 });
      await eventually(() => ticks.length > 0, 'the first tick');  // an offset to resume from
      // Short cuts, FIN and RST in turn, while the server keeps emitting.
      let k = 0;
      const cutter = setInterval(() => (k++ % 2 ? proxy.reset() : proxy.cut()), 200);
      try {
        await eventually(() => done !== null, 'ticks-done', 25_000);
      } finally {
        clearInterval(cutter);
      }
      await sleep(300);  // a replay of something already delivered would arrive now

      assert.equal(done, count);
      assert.deepEqual(repeats(ticks), [], 'no event twice');
      assert.deepEqual(ticks, [...Array(count).keys()], 'every event, in order');
      assert.ok(log.disconnects.length >= 3, `the link was cut (${log.disconnects.length} disconnects)`);
      assert.equal(log.recovered, log.connects - 1, 'every reconnection recovered the session');
      summary(`sio-recovery-${transport}`, {
        events: ticks.length, duplicates: 0, cuts: proxy.stats().cuts, disconnects: log.disconnects.length,
        recovered: log.recovered, outage_ms: spread(log.outages),
      });
    });
  }

  // (3) A black-holed link (no FIN, no RST): only the heartbeat can tell.
  for (const transport of ['websocket', 'polling']) {
    test(`stall (${transport}): the heartbeat notices within pingInterval + pingTimeout and the client reconnects`,
         { timeout: 30_000 }, async () => {
      const { proxy, manager } = await setup({ transports: [transport], ...FAST });
      const s = manager.socket('/');
      const log = watch(s);
      const window = PING_INTERVAL + PING_TIMEOUT;
      const margin = 1500;  // a loaded machine's timers
      const detections = [];
      const recoveries = [];
      for (let round = 0; round < 3; round++) {
        await eventually(() => s.connected, `connected (round ${round})`);
        await sleep(50 + 100 * round);  // a different phase of the ping cycle each round
        const before = log.disconnects.length;
        const stalledAt = Date.now();
        let noticedAt = 0;
        const onDisconnect = () => {
          noticedAt = Date.now();
          proxy.stall(false);  // the network is back once the client gave up on the old link
        };
        s.once('disconnect', onDisconnect);
        proxy.stall(true);
        await eventually(() => log.disconnects.length > before, 'the heartbeat to notice the stall', window + margin + 5000);
        assert.equal(log.disconnects.at(-1), 'ping timeout');
        const detected = noticedAt - stalledAt;
        assert.ok(detected <= window + margin, `noticed after ${detected} ms (pingInterval + pingTimeout = ${window})`);
        await eventually(() => s.connected, 'reconnected after the stall');
        detections.push(detected);
        recoveries.push(Date.now() - stalledAt);
      }
      assert.deepEqual(log.disconnects, ['ping timeout', 'ping timeout', 'ping timeout']);
      summary(`sio-stall-${transport}`, {
        stalls: 3, window_ms: window, detect_ms: spread(detections), back_ms: spread(recoveries),
      });
    });
  }

  // (4) The server goes away and comes back: the Manager backs off, the app sees one cycle each time.
  test('server restarts: reconnection attempts follow the backoff; one disconnect and one connect per restart',
       { timeout: 40_000 }, async () => {
    const delay = 100;
    const delayMax = 400;
    let { server, manager } =
      await setup({ transports: ['websocket'], reconnectionDelay: delay, reconnectionDelayMax: delayMax, randomizationFactor: 0 });
    const s = manager.socket('/');
    const log = watch(s);
    let failedAt = 0;  // the last failure: the disconnect, then each failed attempt
    let attempts = [];  // [n, ms since the failure before it]
    const reconnects = [];
    s.on('disconnect', () => (failedAt = Date.now()));
    manager.on('reconnect_error', () => (failedAt = Date.now()));
    manager.on('reconnect_attempt', (n) => attempts.push([n, Date.now() - failedAt]));
    manager.on('reconnect', (n) => reconnects.push(n));
    await eventually(() => s.connected, 'connect');
    const expected = (n) => Math.min(delay * 2 ** (n - 1), delayMax);
    const cycles = 3;
    const gaps = [];
    for (let cycle = 0; cycle < cycles; cycle++) {
      attempts = [];
      const downFor = 900 + 300 * cycle;
      await server.kill();
      await sleep(downFor);
      server = t.track(await server.restart());
      await eventually(() => log.connects === cycle + 2, `reconnected after restart ${cycle + 1}`, 15_000);
      assert.deepEqual(await s.timeout(5000).emitWithAck('seq', cycle), cycle, 'the new session works');
      assert.equal(log.disconnects.length, cycle + 1, 'one disconnect per restart');
      assert.deepEqual(attempts.map(([n]) => n), [...Array(attempts.length).keys()].map((i) => i + 1),
                       'attempts count from 1 again after a successful reconnection');
      assert.ok(attempts.length >= 3, `${attempts.length} attempts while the server was down ${downFor} ms`);
      for (const [n, gap] of attempts) {
        // Timers may fire a little early (ms rounding); never much.
        assert.ok(gap >= expected(n) - 5, `attempt ${n} came ${gap} ms after the failure before it (backoff ${expected(n)} ms)`);
      }
      assert.equal(reconnects.at(-1), attempts.length, '"reconnect" reports the attempt that succeeded');
      gaps.push(attempts.map(([n, gap]) => `${n}:${gap}`).join(','));
    }
    await sleep(200);
    assert.equal(log.connects, cycles + 1, 'one connect per restart, plus the first');
    assert.equal(log.disconnects.length, cycles);
    assert.ok(log.disconnects.every((r) => r === 'transport close' || r === 'transport error'), log.disconnects.join());
    summary('sio-restart', {
      restarts: cycles, connects: log.connects, disconnects: log.disconnects.length,
      backoff_ms: `${delay}..${delayMax}`, attempt_gaps_ms: gaps.join('|'), outage_ms: spread(log.outages),
    });
  });

  // (5) Suspend/resume: the clock jumps past the heartbeat deadline while the link dies.
  test('clock jump: a client frozen past pingInterval + pingTimeout notices the dead link on its first write, or at once on resume',
       { timeout: 40_000 }, async () => {
    const pingInterval = 1000;
    const pingTimeout = 1500;  // generous: noticing "at once" and "after a timeout" are far apart
    const window = pingInterval + pingTimeout;
    const server = t.track(await startServer('sio-server.mjs',
                                             ['--ping-interval', String(pingInterval), '--ping-timeout', String(pingTimeout)]));
    const proxy = t.track(await proxyTo(server));
    const child = spawn(process.execPath, [join(here, 'frozen-client.mjs'), `http://127.0.0.1:${proxy.port}`],
                        { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
    t.track({ close: () => { child.kill('SIGCONT'); child.stdin.end(); setTimeout(() => child.kill('SIGKILL'), 2000).unref(); } });
    const events = [];
    createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line)));
    const next = (ev, after, what) => eventually(() => events.find((e) => e.ev === ev && e.t >= after && (!what || what(e))),
                                                 `the client's "${ev}"`, 15_000);
    const command = (c) => child.stdin.write(JSON.stringify(c) + '\n');
    const connects = () => events.filter((e) => e.ev === 'connect').length;
    await eventually(() => connects() === 1, 'the client to connect', 15_000);

    // Frozen (no timer, no I/O) while the proxy resets the link; awake, it emits first thing.
    const start = Date.now();
    command({ cmd: 'freeze', ms: window + 1000, id: 1 });
    await next('freezing', start);
    await sleep(200);
    proxy.reset();
    const woke = await next('woke', start);
    const gone = await next('disconnect', start);
    await eventually(() => connects() === 2, 'the client to reconnect after the freeze', 15_000);
    const back = events.filter((e) => e.ev === 'connect')[1];
    // As socket.io-client: the write's own check sees the expired heartbeat, so the emit
    // waits in the send buffer and goes out on the new connection (had it gone out on the
    // dead link, it would be lost and its ack would time out).
    const delivered = await next('ack', start, (e) => e.id === 1);
    assert.deepEqual([delivered.error, delivered.answer], [null, [1]], 'the emit made while asleep is delivered');
    assert.equal(gone.reason, 'ping timeout');
    const writeNotice = gone.t - woke.t;
    assert.ok(writeNotice < pingTimeout, `disconnect ${writeNotice} ms after waking (pingTimeout ${pingTimeout} ms)`);
    command({ cmd: 'emit', id: 2 });
    const second = await next('ack', start, (e) => e.id === 2);
    assert.deepEqual([second.error, second.answer], [null, [2]], 'the new session works');

    // Stopped by the OS (SIGSTOP) while the proxy resets the link, then resumed (SIGCONT).
    child.kill('SIGSTOP');
    await sleep(200);
    proxy.reset();
    await sleep(window + 800);
    const resumed = Date.now();
    child.kill('SIGCONT');
    const lost = await next('disconnect', resumed);
    await eventually(() => connects() === 3, 'the client to reconnect after SIGCONT', 15_000);
    const resumeNotice = lost.t - resumed;
    assert.ok(resumeNotice < pingTimeout, `disconnect ${resumeNotice} ms after SIGCONT (pingTimeout ${pingTimeout} ms)`);
    command({ cmd: 'emit', id: 3 });
    const third = await next('ack', resumed, (e) => e.id === 3);
    assert.deepEqual([third.error, third.answer], [null, [3]], 'the new session works');
    const back2 = events.filter((e) => e.ev === 'connect')[2];

    summary('sio-clock-jump', {
      ping_window_ms: window, frozen_ms: window + 1000, write_notice_ms: writeNotice, write_reason: gone.reason,
      write_back_ms: back.t - woke.t, sigstop_notice_ms: resumeNotice, sigstop_reason: lost.reason,
      sigstop_back_ms: back2.t - resumed,
    });
  });
});
