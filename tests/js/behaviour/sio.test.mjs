// Socket.IO behaviour of the npm package (io/Manager/Socket over the WASM build)
// against the socket.io 4.8 reference server (tests/servers/sio-server.mjs:
// pingInterval 300, pingTimeout 5000 (HEARTBEAT), connectionStateRecovery on; namespaces "/",
// "/custom", "/admin", "/never"). Each test is named after its counterpart in
// tests/integration/sio_integration_test.cpp and checks what that one checks, as far
// as the facade exposes it. Every wait is bounded; no test asserts on timing.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';

import { eventually, sleep, startServer, tracker, twinsock, waitFor, within } from './support.mjs';

const { io, Manager } = twinsock;
const T = { timeout: 20_000 };
// No test here is about the heartbeat's deadline: with pingTimeout 200 a test process stalled
// ~200 ms on a loaded box lost its session (a second "open", a lost echo or ack, 'ping timeout').
const HEARTBEAT = ['--ping-timeout', '5000'];

/** Binary values (Buffer, typed arrays, ArrayBuffer) as {bin: [...]}, so sent and received compare. */
function plain(v) {
  if (v instanceof ArrayBuffer) return { bin: [...new Uint8Array(v)] };
  if (ArrayBuffer.isView(v)) return { bin: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
/** Every binary value received in Node is a Buffer (as socket.io-client gives them). */
function binariesAreBuffers(v) {
  if (v instanceof ArrayBuffer) return false;
  if (ArrayBuffer.isView(v)) return Buffer.isBuffer(v);
  if (Array.isArray(v)) return v.every(binariesAreBuffers);
  if (v !== null && typeof v === 'object') return Object.values(v).every(binariesAreBuffers);
  return true;
}

/** What one Socket saw (the native SocketLog). */
function logSocket(s) {
  const log = { events: [], connects: 0, disconnects: [], connectErrors: [] };
  s.onAny((e, ...a) => log.events.push([e, a]));
  s.on('connect', () => log.connects++);
  s.on('disconnect', (r) => log.disconnects.push(r));
  s.on('connect_error', (e) => log.connectErrors.push(e));
  log.of = (name) => log.events.filter(([e]) => e === name).map(([, a]) => a);
  log.count = (name) => log.of(name).length;
  return log;
}

/** What the Manager saw (the native ManagerLog). */
function logManager(m) {
  const log = { opens: 0, closes: [], errors: [], attempts: [], reconnects: [], reconnectErrors: 0, reconnectFailed: 0, pings: 0 };
  m.on('open', () => log.opens++);
  m.on('close', (r) => log.closes.push(r));
  m.on('error', (e) => log.errors.push(e));
  m.on('reconnect_attempt', (n) => log.attempts.push(n));
  m.on('reconnect', (n) => log.reconnects.push(n));
  m.on('reconnect_error', () => log.reconnectErrors++);
  m.on('reconnect_failed', () => log.reconnectFailed++);
  m.on('ping', () => log.pings++);
  return log;
}

// The test server's second Socket.IO server, with connection state recovery.
const RECOVERING = { path: '/recovery/' };
/** Short reconnection delays so restarts are quick (the native tests' fast()). */
const fast = (transports = ['polling', 'websocket'], extra = {}) =>
  ({ reconnectionDelay: 100, reconnectionDelayMax: 300, transports, ...extra });

/** Emits with a plain ack callback and resolves with every argument of the ack. */
function ask(s, event, ...args) {
  return within(new Promise((resolve) => s.emit(event, ...args, (...answer) => resolve(answer))), 5000, `ack of "${event}"`);
}

/** Emits "message" and waits for the matching "message-back". */
async function echo(s, log, args, what = '') {
  const before = log.count('message-back');
  s.emit('message', ...args);
  await eventually(() => log.count('message-back') > before, `message-back ${what}`);
  const got = log.of('message-back')[before];
  assert.deepEqual(plain(got), plain(args), what);
  assert.ok(binariesAreBuffers(got), `binary values arrive as Buffers ${what}`);
}

const connected = (...sockets) => eventually(() => sockets.every((s) => s.connected), 'connected');

describe('Socket.IO (WASM facade) against sio-server.mjs', () => {
  let server;
  let t;
  const url = (path = '/') => server.url(path);
  /** A Manager that is closed at the end of the test. */
  const manager = (opts, at = url()) => t.track(new Manager(at, opts));
  /** A server of the test's own (for tests that kill or restart it). */
  const ownServer = async (args = []) => t.track(await startServer('sio-server.mjs', [...HEARTBEAT, ...args]));

  before(async () => { server = await startServer('sio-server.mjs', HEARTBEAT); });
  after(async () => { await server?.stop(); });
  beforeEach(() => { t = tracker(); });
  afterEach(async () => { await t.closeAll(); });

  // --- connecting ------------------------------------------------------------

  test('RootAndCustomNamespacesShareOneEngineSession', T, async () => {
    const m = manager();
    const mlog = logManager(m);
    const root = m.socket('/');
    const custom = m.socket('/custom');
    const rootLog = logSocket(root);
    const customLog = logSocket(custom);
    await connected(root, custom);
    assert.equal(mlog.opens, 1, 'one Engine.IO session for both namespaces');
    assert.ok(m.engine);
    assert.equal(root.nsp, '/');
    assert.equal(custom.nsp, '/custom');
    assert.ok(root.id);
    assert.ok(custom.id);
    assert.notEqual(root.id, custom.id);
    assert.notEqual(root.id, m.engine.id, 'the Socket.IO id is not the Engine.IO sid');
    assert.equal(m.socket('/custom'), custom, 'one Socket per namespace');
    assert.equal(m.socket('custom'), custom, "a leading '/' is added");
    assert.equal(rootLog.connects, 1);
    assert.equal(customLog.connects, 1);
    // Each namespace gets its own welcome, carrying its own id.
    await eventually(() => rootLog.count('welcome') === 1 && customLog.count('welcome') === 1, 'both welcomes');
    assert.deepEqual(rootLog.of('welcome')[0], [root.id]);
    assert.deepEqual(customLog.of('welcome')[0], [custom.id]);
    // Traffic stays in its namespace.
    await echo(custom, customLog, ['only custom']);
    assert.equal(rootLog.count('message-back'), 0);
    await echo(root, rootLog, ['only root']);
    assert.equal(customLog.count('message-back'), 1);
    // Leaving one namespace keeps the shared session for the other.
    custom.disconnect();
    await eventually(() => customLog.disconnects.length === 1, 'custom disconnect');
    assert.equal(customLog.disconnects[0], 'io client disconnect');
    assert.ok(root.connected);
    assert.equal(m._readyState, 'open');
    await echo(root, rootLog, ['still here']);
    assert.equal(mlog.opens, 1);
    assert.deepEqual(mlog.errors, []);
  });

  test('JoiningANamespaceLaterReusesTheSession', T, async () => {
    const m = manager(fast());
    const mlog = logManager(m);
    const root = m.socket('/');
    await connected(root);
    const engineId = m.engine.id;
    const custom = m.socket('/custom');
    const customLog = logSocket(custom);
    await connected(custom);
    assert.equal(m.engine.id, engineId);
    assert.equal(mlog.opens, 1);
    await echo(custom, customLog, ['late joiner']);
  });

  test('ABurstOfServerEventsArrivesInOrder', T, async () => {
    for (const transport of ['polling', 'websocket']) {
      const m = manager(fast([transport]));
      const s = m.socket('/');
      const log = logSocket(s);
      await connected(s);
      s.emit('burst', 500);
      await eventually(() => log.count('burst-done') === 1, `burst-done (${transport})`);
      const items = log.of('burst-item');
      assert.equal(items.length, 500, transport);
      items.forEach((a, i) => assert.deepEqual(a, [i], transport));
    }
  });

  test('UrlPathIsTheNamespaceAndUrlQueryReachesTheServer', T, async () => {
    const s = io(url('/custom?room=blue&n=1'), { forceNew: true });
    t.track(s.io);
    await connected(s);
    assert.equal(s.nsp, '/custom');
    const [query] = await ask(s, 'query');
    assert.equal(query.room, 'blue', JSON.stringify(query));
    assert.equal(query.n, '1', JSON.stringify(query));
    assert.equal(query.EIO, '4', JSON.stringify(query));
  });

  test('UrlWithoutSchemeIsHttpsOutsideAPage', T, async () => {
    // socket.io-client's url(): a page's protocol in browsers, https in Node.
    for (const [given, uri, nsp] of [['127.0.0.1:9/custom', 'https://127.0.0.1:9', '/custom'],
                                     ['//127.0.0.1:9', 'https://127.0.0.1:9', '/'],
                                     ['ws://127.0.0.1:9/a', 'ws://127.0.0.1:9', '/a']]) {
      const s = io(given, { autoConnect: false, forceNew: true });
      t.track(s.io);
      assert.equal(s.io.uri, uri, given);
      assert.equal(s.nsp, nsp, given);
    }
    assert.throws(() => io('ftp://127.0.0.1:9'), /unsupported URL scheme/);
  });

  test('DebugOptionTracesTheProtocol', T, async () => {
    const lines = [];
    const s = t.track(io(url(), { forceNew: true, debug: (line) => lines.push(line) }));
    await connected(s);
    await eventually(() => s.io.engine?.transport.name === 'websocket', 'the upgrade');
    assert.ok(lines.some((l) => /^> GET http:\/\/127\.0\.0\.1:\d+\/socket\.io\/\?EIO=4&transport=polling/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('< 200')), lines.join('\n'));
    assert.ok(lines.some((l) => /^WebSocket ws:\/\/.*transport=websocket&sid=/.test(l)), lines.join('\n'));
    const quiet = t.track(io(url(), { forceNew: true, debug: false }));
    await connected(quiet);  // and nothing to see: no listener, no console output
  });

  test('ChangedOptionsCountFromTheNextAttempt', T, async () => {
    // socket.io's documentation: update socket.io.opts.query before a reconnection.
    let srv = await ownServer();
    const s = t.track(io(srv.url('/?v=1'), { forceNew: true, ...fast(['websocket']) }));
    s.io.on('reconnect_attempt', () => {
      s.io.opts.query.v = '2';
      s.io.opts.query.added = 'yes';
    });
    // The README's form, without any query given: opts.query is an object all the same.
    const plain = t.track(io(srv.url(), { forceNew: true, ...fast(['websocket']) }));
    plain.io.on('reconnect_attempt', () => { plain.io.opts.query.token = 'fresh'; });
    await connected(s);
    await connected(plain);
    assert.equal((await ask(s, 'query'))[0].v, '1');
    assert.deepEqual(plain.io.opts.query, {});
    await srv.kill();
    await eventually(() => !s.connected && !plain.connected, 'disconnect');
    srv = t.track(await srv.restart());
    await eventually(() => s.connected && plain.connected, 'the reconnection', 8000);
    const [query] = await ask(s, 'query');
    assert.equal(query.v, '2', JSON.stringify(query));
    assert.equal(query.added, 'yes', JSON.stringify(query));
    assert.equal((await ask(plain, 'query'))[0].token, 'fresh');
  });

  test('TheEngineIsThereFromIoOnAndKeepsItsTransportNameAfterItsSession', T, async () => {
    // socket.io-client's patterns: socket.io.engine.on(...) right after io(), and
    // socket.io.engine.transport.name inside "disconnect".
    let srv = await ownServer();
    const s = t.track(io(srv.url(), { forceNew: true, ...fast(['websocket']) }));
    const first = s.io.engine;
    assert.equal(first.transport.name, 'websocket', 'before the handshake: the first transport');
    const closes = [];
    first.on('close', (reason) => closes.push(reason));
    let nameInDisconnect;
    s.on('disconnect', () => { nameInDisconnect = s.io.engine.transport.name; });
    await connected(s);
    assert.equal(s.io.engine, first);
    await srv.kill();
    await eventually(() => nameInDisconnect !== undefined, 'disconnect');
    assert.equal(nameInDisconnect, 'websocket');
    await eventually(() => closes.length === 1, 'the engine closes');
    assert.equal(first.transport.name, 'websocket', 'an ended session keeps its last transport');
    srv = t.track(await srv.restart());
    await eventually(() => s.connected, 'the reconnection', 8000);
    assert.notEqual(s.io.engine, first, 'a new session, a new Engine');
  });

  test('TransportsChangedAfterAConnectErrorAreUsed', T, async () => {
    // socket.io's documentation: WebSocket first, then polling when it fails.
    const srv = await ownServer(['--transports', 'polling']);
    const s = t.track(io(srv.url(), { forceNew: true, ...fast(['websocket']) }));
    const errors = [];
    s.on('connect_error', (error) => {
      errors.push(error.code);
      s.io.opts.transports = ['polling', 'websocket'];
    });
    await connected(s);
    assert.ok(errors.length >= 1, 'the WebSocket-only attempt failed first');
    assert.equal(s.io.engine.transport.name, 'polling');
    assert.deepEqual(await ask(s, 'transport'), ['polling']);
  });

  test('AServerThatIsNotSocketIOIsNamedInConnectError', T, async () => {
    // A page or a 404 where Engine.IO was expected: the error says what answered.
    const other = t.track(await startServer('sse-server.mjs'));  // a page at /html/, 404 elsewhere
    const failure = async (opts) => {
      const s = t.track(io(`http://127.0.0.1:${other.port}`, { forceNew: true, reconnection: false, ...opts }));
      const [error] = await waitFor(s, 'connect_error');
      s.disconnect();
      return error;
    };
    const page = await failure({ path: '/html', transports: ['polling'] });
    assert.equal(page.code, 'TWINSOCK_ERR_EIO_BAD_PACKET_TYPE');
    assert.equal(page.detail, 'polling response is not Engine.IO: "<p>not a stream</p>"');
    assert.equal(page.message, `parse error: ${page.detail}`);
    const missing = await failure({ transports: ['polling'] });
    assert.equal(missing.code, 'TWINSOCK_ERR_HTTP_STATUS');
    assert.equal(missing.detail, 'HTTP 404');
    assert.equal(missing.description, 'HTTP 404', "socket.io-client's name for it");
  });

  test('PollingOnly', T, async () => {
    const m = manager(fast(['polling']));
    const mlog = logManager(m);
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    assert.equal(m.engine.transport.name, 'polling');
    assert.deepEqual(await ask(s, 'transport'), ['polling']);
    await echo(s, log, ['over polling', 1, { k: 'v' }]);
    // Several heartbeats later (pingInterval 300 ms) it is still on polling and alive.
    const pings = mlog.pings;
    await eventually(() => mlog.pings >= pings + 3, 'three pings');
    assert.equal(m.engine.transport.name, 'polling');
    assert.deepEqual(await ask(s, 'transport'), ['polling']);
    assert.deepEqual(log.disconnects, []);
    await echo(s, log, ['after pings']);
  });

  test('WebSocketOnly', T, async () => {
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    assert.equal(m.engine.transport.name, 'websocket');
    assert.deepEqual(await ask(s, 'transport'), ['websocket']);
    await echo(s, log, ['over websocket', 2.5, null, true]);
  });

  test('PollingThenUpgradeToWebSocket', T, async () => {
    const m = manager();
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    // Keep emitting across the upgrade: order and delivery must hold.
    let sent = 0;
    await eventually(() => {
      if (sent < 50) s.emit('message', sent++);
      return m.engine?.transport.name === 'websocket' && sent >= 50;
    }, 'the upgrade with 50 emits');
    await eventually(() => log.count('message-back') === 50, '50 message-backs');
    log.of('message-back').forEach((a, i) => assert.deepEqual(a, [i]));
    assert.deepEqual(await ask(s, 'transport'), ['websocket'], 'the server sees the upgraded transport');
    await echo(s, log, ['after upgrade']);
    assert.deepEqual(log.disconnects, []);
    assert.equal(log.connects, 1);
  });

  test('EngineUpgradeAndCloseEvents', T, async () => {
    let srv = await ownServer();
    const s = t.track(io(srv.url(), { forceNew: true, ...fast() }));
    // socket.io's documentation: read the transport on connect, then listen for the upgrade.
    const seen = [];
    let first;
    s.on('connect', () => {
      const engine = s.io.engine;
      first ??= engine;
      seen.push(`connect on ${engine.transport.name}`);
      engine.on('upgrade', (transport) => seen.push(`upgrade to ${transport.name}, now ${s.io.engine.transport.name}`));
      engine.on('close', (reason) => seen.push(`close: ${reason}`));
    });
    // socket.io-client's second arguments: why the connection was lost, and only then.
    const details = [];
    s.on('disconnect', (reason, d) => details.push(['disconnect', reason, d?.code, typeof d?.description]));
    s.io.on('close', (reason, d) => details.push(['close', reason, d?.code, typeof d?.description]));
    await eventually(() => seen.length === 2, 'the upgrade');
    assert.deepEqual(seen, ['connect on polling', 'upgrade to websocket, now websocket']);
    assert.equal(s.io.engine, first, 'one Engine per session');
    assert.ok(first.id && first.id !== s.id);

    await srv.kill();
    await eventually(() => seen.length === 3, 'the engine closes');
    assert.equal(seen[2], 'close: transport close');
    const lost = ['transport close', 'TWINSOCK_ERR_CONNECTION_CLOSED', 'string'];
    assert.deepEqual(details, [['disconnect', ...lost], ['close', ...lost]]);
    srv = t.track(await srv.restart());
    await eventually(() => seen.length === 5, 'the next session and its upgrade', 8000);
    assert.notEqual(s.io.engine, first, 'a new session has a new Engine');
    assert.deepEqual(seen.slice(3), ['connect on polling', 'upgrade to websocket, now websocket'],
                     'the old session\'s listeners are not called again');
  });

  // --- events and acks -------------------------------------------------------

  test('EmitAndReceiveEveryJsonType', T, async () => {
    for (const transport of ['polling', 'websocket']) {
      const m = manager(fast([transport]));
      const s = m.socket('/');
      const log = logSocket(s);
      await connected(s);
      await echo(s, log, ['text', 'héllo ✓', 42, -1.5, true, false, null, { nested: [1, { deep: 'x' }] }, [], {}, 1e300, -0.001],
                 transport);
      await echo(s, log, [], `${transport}: an event without arguments`);
      await echo(s, log, ['single'], transport);
    }
  });

  test('BlobAndFileArgumentsGoAsBinaryInOrder (JS)', T, async () => {
    // As socket.io-client: a Blob's bytes are read, then sent as an attachment; what is
    // emitted after it waits behind it.
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    s.emit('message', 'first');
    s.emit('message', new Blob([new Uint8Array([5, 6])]), { nested: new File([new Uint8Array([7])], 'f.bin') });
    s.emit('message', 'after');
    const acked = await ask(s, 'message-with-ack', new Blob(['hi']));
    await eventually(() => log.count('message-back') === 3, 'three echoes');
    const [first, blobs, after] = log.of('message-back');
    assert.deepEqual(first, ['first']);
    assert.deepEqual([...blobs[0]], [5, 6]);
    assert.deepEqual([...blobs[1].nested], [7]);
    assert.deepEqual(after, ['after']);
    assert.deepEqual([...acked[0]], [...Buffer.from('hi')]);
  });

  test('ObjectKeysArriveInTheOrderTheServerSentThem', T, async () => {
    // As JSON.parse gives them to socket.io-client (a C++ JSON object would sort them).
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    const value = { zebra: 1, apple: { y: [{ k: 1, b: 2 }], b: 0 }, mid: 'x' };
    s.emit('message', value, 2);
    await eventually(() => log.count('message-back') === 1, 'the echo');
    const [back] = log.of('message-back');
    assert.equal(JSON.stringify(back[0]), JSON.stringify(value));
    const [acked] = await ask(s, 'message-with-ack', value);
    assert.equal(JSON.stringify(acked), JSON.stringify(value), 'an ack too');
  });

  test('AStringCutInsideASurrogatePairDoesNotBreakTheConnection', T, async () => {
    // JSON.stringify writes a lone surrogate as "\\ud83d"; it goes out as it is, the server
    // echoes it, and JSON.parse gives it back as it was, as to socket.io-client. Nothing else changes.
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    const id = s.id;
    s.emit('message', 'a\ud83dz', ['\udc00']);
    await eventually(() => log.count('message-back') === 1, 'the echo');
    assert.deepEqual(log.of('message-back')[0], ['a\ud83dz', ['\udc00']]);
    await echo(s, log, ['after'], 'the next event');
    assert.equal(s.id, id, 'the same session');
  });

  test('LongTextAndBinaryArgumentsRoundTrip', T, async () => {
    // Past 64 Ki UTF-16 units the facade encodes a string before copying it into the wasm heap.
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    const text = `${'é✓x'.repeat(30_000)}😀`;
    await echo(s, log, [text, { text }], 'a 90,002-unit string, twice');
    await echo(s, log, [text, new Uint8Array(100_000).fill(7)], 'a long string beside a buffer');
  });

  test('EventArgumentsKeepTheRecoveryOffsetAsSocketIoClientDoes', T, async () => {
    // With connection state recovery the server appends a string offset to every event it
    // stores, but not to volatile ones, which look the same: as socket.io-client, the
    // arguments stay whole (taking the last one away lost volatile emits' own).
    const m = manager(fast(['websocket'], RECOVERING));
    const s = m.socket('/');
    const log = logSocket(s);
    const named = [];
    s.on('message-back', (...a) => named.push(a));
    await eventually(() => log.count('welcome') === 1, 'welcome');
    s.emit('volatile', 1, 'two');  // alone: the server drops a volatile emit while it is still writing
    await eventually(() => log.count('volatile-back') === 1, 'volatile-back');
    s.emit('message', 1, 2);
    await eventually(() => log.count('message-back') === 1, 'message-back');
    const [welcome] = log.of('welcome');
    assert.equal(welcome.length, 2);
    assert.equal(welcome[0], s.id);
    assert.equal(typeof welcome[1], 'string', 'the offset');
    const [back] = log.of('message-back');
    assert.deepEqual(back.slice(0, 2), [1, 2]);
    assert.equal(typeof back[2], 'string', 'the offset');
    assert.deepEqual(named, [back], 'named listeners get the same arguments');
    assert.deepEqual(log.of('volatile-back')[0], [1, 'two'], "a volatile emit's arguments, all of them");
  });

  test('AckFromTheServer', T, async () => {
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    await connected(s);
    assert.deepEqual(await ask(s, 'message-with-ack', 'a', 2, { b: true }), ['a', 2, { b: true }]);
    assert.deepEqual(await ask(s, 'message-with-ack'), []);
    assert.deepEqual(await s.emitWithAck('message-with-ack', 'promised', 'ignored'), 'promised',
                     'emitWithAck resolves with the first argument');
    // Many acks in flight at once each find their own callback.
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(s, 'message-with-ack', i)));
    many.forEach((a, i) => assert.deepEqual(a, [i]));
  });

  test('ServerAsksWithAckAndTheReplyReachesIt', T, async () => {
    const m = manager(fast(['polling']));
    const s = m.socket('/');
    const log = logSocket(s);
    let question;
    let requested = false;
    s.on('question', (...a) => {
      const reply = a.pop();
      requested = typeof reply === 'function';
      question = a;
      reply('the answer', 42);
      reply('a second reply is a no-op');
    });
    await connected(s);
    s.emit('ask', 'what?');
    await eventually(() => log.count('answer') === 1, 'answer');
    assert.ok(requested, 'the listener of an event with an ack gets a reply function last');
    assert.deepEqual(question, ['what?']);
    assert.deepEqual(log.of('answer')[0], ['the answer'], "the server's ack callback gets the first reply argument");
    // A listener of an event without an ack gets no reply function.
    let lastArg;
    s.on('message-back', (...a) => { lastArg = a[a.length - 1]; });
    await echo(s, log, ['x']);
    assert.equal(lastArg, 'x');
    await sleep(100);
    assert.equal(log.count('answer'), 1, 'the second reply was not sent');
  });

  test('BinaryAnywhereInArgumentsBothWays', T, async () => {
    const args = [
      Buffer.from([0x00, 0xff, 0x10]),
      { file: new Uint8Array([1, 2, 3]), meta: { parts: [new ArrayBuffer(0), 'x', new Uint8Array([0x80]).buffer] } },
      'text between',
      [[new Uint8Array([9, 9, 7, 9]).subarray(2, 3)]],  // a view into a larger buffer: only its bytes
      new DataView(new Uint8Array([5, 6]).buffer),
    ];
    for (const transport of ['polling', 'websocket']) {
      const m = manager(fast([transport]));
      const s = m.socket('/');
      const log = logSocket(s);
      await connected(s);
      await echo(s, log, args, transport);
      const acked = await ask(s, 'message-with-ack', ...args);  // BINARY_EVENT out, BINARY_ACK back
      assert.deepEqual(plain(acked), plain(args), transport);
      assert.ok(binariesAreBuffers(acked), transport);
      // A large blob.
      const big = Buffer.alloc(256 * 1024);
      for (let i = 0; i < big.length; ++i) big[i] = (i * 7) & 0xff;
      const before = log.count('message-back');
      s.emit('message', { big });
      await eventually(() => log.count('message-back') > before, `big echo (${transport})`);
      const back = log.of('message-back')[before][0].big;
      assert.ok(Buffer.isBuffer(back) && back.equals(big), `${transport}: the 256 KiB blob comes back intact`);
    }
  });

  test('AckTimeouts', T, async () => {
    const m = manager(fast(['websocket']));
    const s = m.socket('/', { ackTimeout: 300 });
    await connected(s);
    // Per-emit timeout on an event the server never acknowledges: error-first.
    const perEmit = await within(new Promise((resolve) => s.timeout(200).emit('nobody-listens', 1, (...a) => resolve(a))),
                                 3000, 'per-emit timeout');
    assert.equal(perEmit.length, 1, 'only the error');
    assert.ok(perEmit[0] instanceof Error);
    assert.equal(perEmit[0].code, 'TWINSOCK_ERR_ACK_TIMEOUT');
    assert.equal(perEmit[0].message, 'operation has timed out', "socket.io-client's message");
    // emitWithAck: explicit timeout, then the socket's ackTimeout.
    await assert.rejects(within(s.timeout(150).emitWithAck('nobody-listens'), 3000, 'emitWithAck timeout'),
                         (e) => e.code === 'TWINSOCK_ERR_ACK_TIMEOUT');
    await assert.rejects(within(s.emitWithAck('nobody-listens'), 3000, 'emitWithAck default timeout'),
                         (e) => e.code === 'TWINSOCK_ERR_ACK_TIMEOUT');
    // An answered emit succeeds: error-first (ackTimeout is set) with a null error, and emitWithAck resolves.
    const ok = await within(new Promise((resolve) => s.emit('message-with-ack', 'fine', (...a) => resolve(a))), 3000, 'ack');
    assert.deepEqual(ok, [null, 'fine']);
    assert.equal(await s.emitWithAck('message-with-ack', 'fine'), 'fine');
    // Any number is a timeout: Infinity waits (1e12 ms at most), NaN and negative ones end at once.
    assert.equal(await within(s.timeout(Infinity).emitWithAck('message-with-ack', 'long'), 3000, 'Infinity'), 'long');
    for (const soon of [-5, NaN]) {
      await assert.rejects(within(s.timeout(soon).emitWithAck('nobody-listens'), 3000, `timeout(${soon})`),
                           (e) => e.code === 'TWINSOCK_ERR_ACK_TIMEOUT');
    }
    assert.ok(s.connected, 'an ack timeout does not end the connection');
  });

  test('ReservedEventNamesAreRefused', T, async () => {
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    for (const name of ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']) {
      assert.throws(() => s.emit(name), /reserved/, name);
      await assert.rejects(within(s.emitWithAck(name), 3000, `emitWithAck(${name})`), undefined, `emitWithAck(${name})`);
    }
  });

  // --- auth ------------------------------------------------------------------

  test('AuthMiddlewareRefuses', T, async () => {
    for (const transport of ['polling', 'websocket']) {
      const m = manager(fast([transport]));
      const admin = m.socket('/admin');
      const log = logSocket(admin);
      await eventually(() => log.connectErrors.length > 0, `connect_error (${transport})`);
      const e = log.connectErrors[0];
      assert.ok(e instanceof Error);
      assert.equal(e.message, 'Not authorized', transport);
      assert.deepEqual(e.data, { reason: 'bad token' }, transport);
      assert.equal(e.code, 'TWINSOCK_ERR_SIO_CONNECT_REFUSED', transport);
      assert.equal(admin.connected, false);
      assert.equal(admin.active, false, 'a refused socket does not retry by itself');
      assert.equal(log.connects, 0);
    }
  });

  test('ManagerClosesWhenTheOnlyNamespaceIsRefused', T, async () => {
    const m = manager(fast(['websocket']));
    const mlog = logManager(m);
    const admin = m.socket('/admin');
    const log = logSocket(admin);
    await eventually(() => log.connectErrors.length > 0, 'connect_error');
    // The server drops a connection with no namespace after its connectTimeout (1 s):
    // a Manager that kept the session open would then reconnect with nothing to reconnect.
    await sleep(1600);
    assert.deepEqual(mlog.attempts, [], 'no reconnect attempt');
    assert.equal(mlog.opens, 1);
    assert.equal(m._readyState, 'closed');
  });

  test('AuthMiddlewareAccepts', T, async () => {
    const m = manager(fast());
    const admin = m.socket('/admin', { auth: { token: 'secret', extra: [1, 2] } });
    const log = logSocket(admin);
    await eventually(() => admin.connected || log.connectErrors.length > 0, 'connect or connect_error');
    assert.ok(admin.connected, log.connectErrors[0]?.message);
    const [auth] = await ask(admin, 'auth');
    assert.equal(auth.token, 'secret');
    assert.deepEqual(auth.extra, [1, 2]);
    assert.deepEqual(log.connectErrors, []);
    // io() passes `auth` too.
    const viaIo = io(url('/admin'), { forceNew: true, auth: { token: 'secret' } });
    t.track(viaIo.io);
    await connected(viaIo);
  });

  test('ChangingSocketAuthCountsFromTheNextConnect', T, async () => {
    // socket.io's documentation: `socket.auth.token = "..."`, then connect again.
    const m = manager();
    const admin = m.socket('/admin', { auth: { token: 'wrong' } });
    const log = logSocket(admin);
    await eventually(() => log.connectErrors.length === 1, 'connect_error');
    assert.equal(log.connectErrors[0].message, 'Not authorized');
    admin.auth.token = 'secret';
    admin.connect();
    await connected(admin);
    assert.deepEqual(await ask(admin, 'auth'), [{ token: 'secret' }]);
    admin.auth = { token: 'secret', v: 2 };
    admin.disconnect().connect();
    await eventually(() => log.connects === 2, 'the second connect');
    // Now with the recovery fields socket.io-client adds (pid, offset).
    const [{ token, v }] = await ask(admin, 'auth');
    assert.deepEqual({ token, v }, { token: 'secret', v: 2 });
  });

  test('AuthProviderIsCalledBeforeEveryAttempt', T, async () => {
    let srv = await ownServer();
    const m = manager(fast(['websocket']), srv.url());
    let calls = 0;
    const admin = m.socket('/admin', { auth: (cb) => { calls++; cb({ token: 'secret', n: calls }); } });
    const log = logSocket(admin);
    await connected(admin);
    assert.equal(calls, 1);
    const [first] = await ask(admin, 'auth');
    assert.equal(first.n, 1);
    await srv.kill();
    await eventually(() => log.disconnects.length === 1, 'disconnect');
    srv = t.track(await srv.restart());
    await eventually(() => log.connects === 2, 'the second connect', 8000);
    assert.equal(calls, 2);
    const [second] = await ask(admin, 'auth');
    assert.equal(second.n, 2, JSON.stringify(second));
    assert.equal(second.token, 'secret');
  });

  test('ExtraHeadersReachTheWebSocketHandshakeInNode', T, async () => {
    // The `ws` package takes handshake headers (socket.io-client in Node sends them too).
    const m = manager(fast(['websocket'], { extraHeaders: { 'x-token': 'abc' } }));
    const s = m.socket('/');
    await connected(s);
    const [headers] = await ask(s, 'headers');
    assert.equal(headers['x-token'], 'abc');
    assert.equal(headers.upgrade, 'websocket', 'the handshake was the WebSocket upgrade');
  });

  test('AnAuthFunctionMayAnswerLater', T, async () => {
    // A token fetched first (socket.io-client's auth(cb) waits for cb): async, a timer, a promise.
    const m = manager(fast(['websocket']));
    const later = m.socket('/admin', { auth: (cb) => setTimeout(() => cb({ token: 'secret', how: 'timer' }), 50) });
    await connected(later);
    assert.deepEqual(await ask(later, 'auth'), [{ token: 'secret', how: 'timer' }]);
    const viaIo = io(url('/admin'), { forceNew: true, auth: async (cb) => cb({ token: await Promise.resolve('secret') }) });
    t.track(viaIo.io);
    await connected(viaIo);
    assert.deepEqual(await ask(viaIo, 'auth'), [{ token: 'secret' }]);
  });

  // --- disconnect reasons ----------------------------------------------------

  test('ClientDisconnect', T, async () => {
    const m = manager(fast());
    const mlog = logManager(m);
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    s.disconnect();
    assert.equal(s.connected, false);
    assert.equal(s.active, false);
    assert.equal(s.id, undefined);
    await eventually(() => log.disconnects.length === 1, 'disconnect');
    assert.equal(log.disconnects[0], 'io client disconnect');
    // The last namespace left: the shared connection closes and does not come back.
    await eventually(() => m._readyState === 'closed', 'the Manager to close');
    await sleep(500);
    assert.deepEqual(mlog.attempts, []);
    assert.equal(log.disconnects.length, 1);
    // connect() again opens a new session.
    s.connect();
    await connected(s);
    assert.equal(log.connects, 2);
    await echo(s, log, ['again']);
  });

  test('DisconnectAndCloseDeliverTheirEventsBeforeTheyReturn (JS)', T, async () => {
    // As socket.io-client: `s.disconnect(); s.removeAllListeners()` still sees "disconnect".
    const m = manager(fast());
    const mlog = logManager(m);
    const [root, custom] = [m.socket('/'), m.socket('/custom')];
    const [rootLog, customLog] = [logSocket(root), logSocket(custom)];
    await connected(root, custom);
    custom.disconnect();
    assert.deepEqual(customLog.disconnects, ['io client disconnect']);
    custom.removeAllListeners();
    m.close();
    assert.deepEqual(mlog.closes, ['forced close']);
    assert.deepEqual(rootLog.disconnects, ['forced close']);
    // From inside a handler, they follow it, once.
    root.once('connect', () => root.disconnect());
    root.connect();
    await eventually(() => rootLog.disconnects.length === 2, 'the second disconnect');
    await sleep(200);
    assert.deepEqual(rootLog.disconnects, ['forced close', 'io client disconnect']);
    assert.deepEqual(customLog.disconnects, ['io client disconnect']);
  });

  test('ClientDisconnectReachesTheServerBeforeTheSessionCloses', T, async () => {
    const wrong = [];
    for (const transport of ['websocket', 'polling']) {
      const m = manager(fast([transport]));
      const root = m.socket('/');
      const custom = m.socket('/custom');
      const rootLog = logSocket(root);
      const customLog = logSocket(custom);
      await connected(root, custom);
      const ids = [root.id, custom.id];
      custom.disconnect();  // DISCONNECT for /custom; the session stays for "/"
      await eventually(() => customLog.disconnects.length === 1, 'custom disconnect');
      root.disconnect();  // the last namespace: DISCONNECT, then the Engine.IO close
      await eventually(() => m._readyState === 'closed' && rootLog.disconnects.length === 1, 'root disconnect');
      // Ask the server, from another connection, why those two sockets left.
      const observer = manager(fast(['websocket'])).socket('/');
      await connected(observer);
      let reasons = [];
      await eventually(async () => {
        [reasons] = await ask(observer, 'disconnect-reasons');
        return reasons.filter((e) => ids.includes(e.id)).length === 2;
      }, `${transport}: the server to see both sockets leave`);
      for (const e of reasons) {
        if (ids.includes(e.id) && e.reason !== 'client namespace disconnect') wrong.push(`${transport} ${e.nsp}: ${e.reason}`);
      }
    }
    assert.deepEqual(wrong, [], 'the server saw "client namespace disconnect" for both');
  });

  test('ManagerCloseDisconnectsEverySocketOnce', T, async () => {
    const m = manager(fast());
    const mlog = logManager(m);
    const root = m.socket('/');
    const custom = m.socket('/custom');
    const rootLog = logSocket(root);
    const customLog = logSocket(custom);
    await connected(root, custom);
    m.close();
    await eventually(() => rootLog.disconnects.length === 1 && customLog.disconnects.length === 1, 'both disconnects');
    assert.equal(m._readyState, 'closed');
    assert.equal(rootLog.disconnects[0], 'forced close');
    assert.deepEqual(mlog.closes, ['forced close']);
    await sleep(500);
    assert.deepEqual(mlog.attempts, [], 'close() stops reconnection');
    assert.equal(rootLog.disconnects.length, 1);
  });

  test('ServerDisconnect', T, async () => {
    for (const transport of ['polling', 'websocket']) {
      const m = manager(fast([transport]));
      const s = m.socket('/');
      const log = logSocket(s);
      await connected(s);
      s.emit('disconnect-me');
      await eventually(() => log.disconnects.length > 0, `disconnect (${transport})`);
      assert.equal(log.disconnects[0], 'io server disconnect', transport);
      assert.equal(s.connected, false);
      assert.equal(s.active, false, 'no reconnection after io server disconnect');
      await sleep(300);
      assert.equal(log.disconnects.length, 1, transport);
      assert.equal(log.connects, 1, transport);
    }
  });

  test('ManagerClosesAfterServerDisconnectOfTheOnlyNamespace', T, async () => {
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    s.emit('disconnect-me');
    await eventually(() => log.disconnects.length > 0, 'disconnect');
    await eventually(() => m._readyState === 'closed', 'the Manager to close', 2000);
  });

  test('TransportCloseWhenTheServerIsKilled', T, async () => {
    for (const transport of ['websocket', 'polling']) {
      const srv = await ownServer();
      const m = manager(fast([transport], { reconnection: false }), srv.url());
      const mlog = logManager(m);
      const s = m.socket('/');
      const log = logSocket(s);
      await connected(s);
      const pending = s.emitWithAck('nobody-listens');
      pending.catch(() => {});
      await srv.kill();
      await eventually(() => log.disconnects.length > 0, `disconnect (${transport})`);
      // websocket: the TCP close is seen ("transport close"); polling: the next request fails ("transport error").
      if (transport === 'websocket') assert.equal(log.disconnects[0], 'transport close');
      else assert.ok(['transport close', 'transport error'].includes(log.disconnects[0]), log.disconnects[0]);
      assert.equal(s.active, true, 'a transport loss keeps the socket active (it would reconnect)');
      await assert.rejects(within(pending, 3000, 'the pending ack'), (e) => e.code === 'TWINSOCK_ERR_NOT_CONNECTED',
                           'pending acks fail on disconnect');
      assert.equal(mlog.closes.length, 1, transport);
      assert.equal(mlog.closes[0], log.disconnects[0]);
      await sleep(300);
      assert.deepEqual(mlog.attempts, [], 'reconnection is off');
      assert.equal(log.disconnects.length, 1);
    }
  });

  // --- reconnection ----------------------------------------------------------

  test('ReconnectsAfterTheServerRestarts', T, async () => {
    let srv = await ownServer();
    for (const transport of ['websocket', 'polling']) {
      const m = manager(fast([transport]), srv.url());
      const mlog = logManager(m);
      const s = m.socket('/');
      const log = logSocket(s);
      await connected(s);
      for (let cycle = 1; cycle <= 2; ++cycle) {
        const firstId = s.id;
        const failedBefore = mlog.reconnectErrors;  // an earlier cycle may have had several
        await srv.kill();
        await eventually(() => log.disconnects.length === cycle, `${transport} cycle ${cycle}: disconnect`);
        // Let at least one attempt of this cycle fail against the dead port, then bring the server back.
        await eventually(() => mlog.reconnectErrors > failedBefore, `${transport} cycle ${cycle}: a failed attempt`);
        srv = t.track(await srv.restart());
        await eventually(() => log.connects === cycle + 1, `${transport} cycle ${cycle}: connect`, 8000);
        assert.notEqual(s.id, firstId, 'a new server: a new session');
        assert.equal(s.recovered, false);
        await echo(s, log, ['after restart', cycle], transport);
        assert.equal(mlog.reconnects.length, cycle, transport);
        assert.equal(mlog.attempts[0], 1, 'attempts count from 1');
      }
      // Exactly one disconnect and one connect per cycle.
      await sleep(300);
      assert.equal(log.disconnects.length, 2, transport);
      assert.equal(log.connects, 3, transport);
      assert.equal(mlog.opens, 3, transport);
      for (const r of log.disconnects) assert.ok(r === 'transport close' || r === 'transport error', `${transport} ${r}`);
      // reconnect carries the number of attempts the cycle took.
      for (const n of mlog.reconnects) assert.ok(n >= 2, `at least one failed attempt, then the good one (${n})`);
      m.close();
    }
  });

  test('ReconnectionGivesUpAfterReconnectionAttempts', T, async () => {
    const srv = await ownServer();
    const m = manager(fast(['websocket'], { reconnectionAttempts: 2 }), srv.url());
    const mlog = logManager(m);
    const s = m.socket('/');
    await connected(s);
    await srv.kill();
    await eventually(() => mlog.reconnectFailed === 1, 'reconnect_failed');
    assert.deepEqual(mlog.attempts, [1, 2]);
    assert.equal(mlog.reconnectErrors, 2);
    assert.equal(m._readyState, 'closed');
  });

  test('ManagerSettersChangeReconnectionAtRunTime', T, async () => {
    let srv = await ownServer();
    const m = manager({ transports: ['websocket'] }, srv.url());
    // Without an argument: the values in use (socket.io-client's defaults).
    assert.deepEqual([m.reconnection(), m.reconnectionAttempts(), m.reconnectionDelay(), m.reconnectionDelayMax(),
                      m.randomizationFactor(), m.timeout()], [true, Infinity, 1000, 5000, 0.5, 20000]);
    assert.equal(m.reconnectionDelay(100).reconnectionDelayMax(300).reconnectionAttempts(2), m, 'setters chain');
    assert.deepEqual([m.reconnectionDelay(), m.reconnectionDelayMax(), m.reconnectionAttempts()], [100, 300, 2]);
    assert.equal(m.opts.reconnectionAttempts, 2);
    assert.throws(() => m.reconnectionDelay(-1), TypeError);
    assert.throws(() => m.timeout('soon'), TypeError);
    assert.equal(m.reconnectionDelay(), 100, 'a refused value changes nothing');
    m.reconnectionAttempts(Infinity);
    assert.equal(m.reconnectionAttempts(), Infinity);
    m.reconnectionAttempts(2);
    assert.equal(m.timeout(false).timeout(), false, 'timeout(false): none, as socket.io-client');
    m.timeout(20000);
    // As socket.io-client's constructor: reconnectionAttempts 0 means no limit, timeout false none.
    const other = t.track(new Manager(srv.url(), { autoConnect: false, reconnectionAttempts: 0, timeout: false }));
    assert.deepEqual([other.reconnectionAttempts(), other.timeout()], [Infinity, false]);
    const mlog = logManager(m);
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);

    // reconnection(false) while an attempt is scheduled: it is cancelled.
    m.once('close', () => m.reconnection(false));
    await srv.kill();
    await eventually(() => log.disconnects.length === 1, 'disconnect');
    assert.equal(m.reconnection(), false);
    await sleep(600);  // well past the 100-300 ms delay of the cancelled attempt
    assert.deepEqual(mlog.attempts, []);
    assert.equal(s.active, true, 'the socket still wants to connect (as socket.io-client)');

    // Back on: open() connects again; the attempts limit set above still holds.
    srv = t.track(await srv.restart());
    m.reconnection(true).open();
    await eventually(() => log.connects === 2, 'the connect after open()', 8000);
    await srv.kill();
    await eventually(() => mlog.reconnectFailed === 1, 'reconnect_failed');
    assert.deepEqual(mlog.attempts, [1, 2]);
  });

  test('SendBufferIsFlushedAfterReconnection', T, async () => {
    let srv = await ownServer();
    const m = manager(fast(['websocket']), srv.url());
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    await srv.kill();
    await eventually(() => log.disconnects.length > 0, 'disconnect');
    for (let i = 0; i < 3; ++i) s.emit('message', 'buffered', i);
    let acked;
    s.emit('message-with-ack', 'buffered ack', (...a) => { acked = a; });
    srv = t.track(await srv.restart());
    await eventually(() => log.count('message-back') === 3 && acked, 'the buffered emits', 8000);
    log.of('message-back').forEach((a, i) => assert.deepEqual(a, ['buffered', i]));
    assert.deepEqual(acked, ['buffered ack']);
    assert.deepEqual(await ask(s, 'count'), [3], 'each buffered emit sent exactly once');
  });

  test('SendBufferCanBeReadAndPartlyDiscarded', T, async () => {
    const m = manager(fast(['websocket'], { autoConnect: false }));
    const s = m.socket('/');
    const dropped = s.emitWithAck('message', 'move', 1);
    s.emit('message', 'chat', new Uint8Array([1, 2]));
    s.emit('message', 'move', 2);
    const buffered = s.sendBuffer;
    assert.equal(buffered.length, 3);
    assert.deepEqual(plain(buffered[1]), { type: 2, nsp: '/', data: ['message', 'chat', { bin: [1, 2] }] });
    assert.ok(Object.isFrozen(buffered), 'a snapshot: changing it would change nothing');
    assert.throws(() => { buffered.length = 0; }, TypeError);
    assert.throws(() => { s.sendBuffer = [{ type: 2, nsp: '/', data: ['message', 'new'] }]; }, TypeError,
                  'only entries of the snapshot can be kept');
    assert.throws(() => { s.sendBuffer = null; }, TypeError);
    // What a game does before it reconnects: stale moves go, the chat line stays.
    s.sendBuffer = s.sendBuffer.filter((packet) => packet.data[1] !== 'move');
    assert.equal(s.sendBuffer.length, 1);
    await assert.rejects(within(dropped, 3000, 'the dropped emit'), (e) => e.code === 'TWINSOCK_ERR_EMIT_DISCARDED');
    const log = logSocket(s);
    s.connect();
    await eventually(() => log.count('message-back') === 1, 'the kept emit');
    assert.deepEqual(plain(log.of('message-back')[0]), ['chat', { bin: [1, 2] }]);
    assert.deepEqual(await ask(s, 'count'), [1], 'only the kept emit went out');
    assert.deepEqual(s.sendBuffer, [], 'flushed');
    s.disconnect();
    s.emit('message', 'late');
    s.sendBuffer = [];  // as socket.io-client's docs do it
    assert.equal(s.sendBuffer.length, 0);
  });

  test('SendBufferBoundsAreEnforced', T, async () => {
    const m = manager(fast(['websocket'], { autoConnect: false }));
    const errors = [];
    m.on('error', (e) => errors.push(e));
    const s = m.socket('/', { maxBufferedPackets: 2 });
    s.emit('message', 0);
    s.emit('message', 1);
    s.emit('message', 2);  // refused: reported as the Manager's "error" (emit() returns the socket)
    await eventually(() => errors.length === 1, 'the queue_full error');
    assert.equal(errors[0].code, 'TWINSOCK_ERR_QUEUE_FULL');
    let plainAck = false;
    s.emit('message-with-ack', 3, () => (plainAck = true));  // a plain ack never hears of failures: "error" does
    await eventually(() => errors.length === 2, 'the queue_full error of an emit with a plain ack');
    assert.equal(errors[1].code, 'TWINSOCK_ERR_QUEUE_FULL');
    await assert.rejects(within(s.emitWithAck('message-with-ack', 3), 3000, 'refused emitWithAck'),
                         (e) => e.code === 'TWINSOCK_ERR_QUEUE_FULL');
    const log = logSocket(s);
    s.connect();
    await eventually(() => log.count('message-back') === 2, 'two message-backs');
    assert.deepEqual(await ask(s, 'count'), [2]);
    assert.equal(plainAck, false);
  });

  test('ReceivedPacketLimitsAreOptions', T, async () => {
    // Each Manager's limit is below what the server echoes back: the packet is refused
    // with the limit's error (naming the option) and never reaches a listener.
    const deep = [[[[[1]]]]];
    const cases = [
      [{ maxJsonDepth: 3 }, [deep], 'TWINSOCK_ERR_JSON_TOO_DEEP', 'max_json_depth (3)'],
      [{ maxAttachments: 1 }, [new Uint8Array([1]), new Uint8Array([2])], 'TWINSOCK_ERR_SIO_TOO_MANY_ATTACHMENTS', 'max_attachments (1)'],
      [{ maxPacketBytes: 1000 }, ['x'.repeat(2000)], 'TWINSOCK_ERR_SIO_PACKET_TOO_LARGE', 'max_packet_bytes (1000 bytes)'],
    ];
    for (const [limit, args, code, detail] of cases) {
      const m = manager(fast(['websocket'], { reconnection: false, ...limit }));
      const errors = [];
      m.on('error', (e) => errors.push(e));
      const s = m.socket('/');
      const log = logSocket(s);
      await connected(s);
      s.emit('message', ...args);
      await eventually(() => errors.length > 0, `the error of ${JSON.stringify(limit)}`);
      assert.equal(errors[0].code, code);
      assert.ok(errors[0].message.includes(detail), errors[0].message);
      assert.equal(log.count('message-back'), 0);
    }
    // Polling: a burst arrives as bodies of many packets.
    const m = manager(fast(['polling'], { reconnection: false, maxPayloadPackets: 2 }));
    const errors = [];
    m.on('error', (e) => errors.push(e));
    const s = m.socket('/');
    await connected(s);
    s.emit('burst', 200);
    await eventually(() => errors.length > 0, 'the error of maxPayloadPackets');
    assert.equal(errors[0].code, 'TWINSOCK_ERR_EIO_TOO_MANY_PACKETS');
  });

  test('VolatileEmitsAreDroppedWhileDisconnected', T, async () => {
    const m = manager(fast(['websocket'], { autoConnect: false }));
    const s = m.socket('/');
    const log = logSocket(s);
    let volatileAck = false;
    s.volatile.emit('message', 'volatile');
    s.volatile.emit('message-with-ack', 'volatile', () => { volatileAck = true; });
    s.emit('message', 'kept');
    s.connect();
    await connected(s);
    assert.deepEqual(await ask(s, 'count'), [1], 'only the non-volatile emit reached the server');
    assert.equal(log.count('message-back'), 1);
    assert.deepEqual(log.of('message-back')[0], ['kept']);
    assert.equal(volatileAck, false, "a dropped volatile emit's ack is never called");
    // Connected and writable: a volatile emit goes out.
    s.volatile.emit('message', 'volatile now');
    await eventually(() => log.count('message-back') === 2, 'the volatile emit');
    assert.deepEqual(log.of('message-back')[1], ['volatile now']);
  });

  // --- connection state recovery ---------------------------------------------

  test('ConnectionStateRecoveryAfterAServerSideCut', T, async () => {
    for (const transport of ['websocket', 'polling']) {
      const m = manager(fast([transport], RECOVERING));
      const s = m.socket('/');
      const log = logSocket(s);
      await eventually(() => log.count('welcome') === 1, `welcome (${transport})`);  // an offset to resume from
      assert.equal(s.recovered, false);
      const id = s.id;
      s.emit('cut', 5);
      await eventually(() => log.disconnects.length === 1, `disconnect (${transport})`);
      assert.ok(['transport close', 'transport error'].includes(log.disconnects[0]), log.disconnects[0]);
      await eventually(() => log.connects === 2, `reconnect (${transport})`);
      assert.equal(s.recovered, true, transport);
      assert.equal(s.id, id, `${transport}: a recovered session keeps its id`);
      await eventually(() => log.count('missed') >= 5, `missed events (${transport})`);
      assert.deepEqual(await ask(s, 'recovered'), [true]);
      await sleep(200);
      assert.deepEqual(log.of('missed').map((args) => args[0]), [0, 1, 2, 3, 4],
                       `${transport}: every missed event exactly once`);
      // socket.io runs "connection" for a recovered socket too: a second welcome, with the same id.
      assert.equal(log.count('welcome'), 2, transport);
      assert.equal(log.of('welcome')[1][0], id);
      // A second cut resumes from the newest offset: nothing is replayed twice.
      s.emit('cut', 2);
      await eventually(() => log.connects === 3 && log.count('missed') >= 7, `second recovery (${transport})`);
      await sleep(200);
      assert.equal(log.count('missed'), 7, transport);
      assert.equal(s.recovered, true);
      assert.equal(s.id, id);
    }
  });

  test('RecoveryOffsetIgnoresEventsThatCarryAnAck', T, async () => {
    // The server appends the offset only to events without an ack; "question" has one,
    // so its last string argument is user data, not an offset.
    const m = manager(fast(['websocket'], RECOVERING));
    const s = m.socket('/');
    const log = logSocket(s);
    s.on('question', () => {});  // no reply: an answer would carry a fresh offset and hide the problem
    await eventually(() => log.count('welcome') === 1, 'welcome');
    const id = s.id;
    s.emit('ask', 'not an offset');
    await eventually(() => log.count('question') === 1, 'question');
    s.emit('cut', 1);
    await eventually(() => log.connects === 2, 'reconnect');
    assert.equal(s.recovered, true, 'only events without an ack id carry an offset');
    assert.equal(s.id, id);
  });

  test('RetriesAckEveryEmitInOrderAcrossAReconnection', { timeout: 40_000 }, async () => {
    let srv = await ownServer();
    const m = manager(fast(['websocket']), srv.url());
    const s = m.socket('/', { retries: 3, ackTimeout: 2000 });
    const log = logSocket(s);
    const acks = [];
    const emit = (i) => s.emit('message-with-ack', i, (err, ...a) => acks.push([err, a]));
    await connected(s);
    for (let i = 0; i < 5; ++i) emit(i);
    await eventually(() => acks.length >= 2, 'two acks');
    await srv.kill();
    await eventually(() => log.disconnects.length > 0, 'disconnect');
    for (let i = 5; i < 10; ++i) emit(i);
    srv = t.track(await srv.restart());
    await eventually(() => acks.length === 10, 'ten acks', 30_000);
    acks.forEach(([err, a], i) => {
      assert.equal(err, null, `${i} ${err?.code}`);
      assert.deepEqual(a, [i], 'in order');
    });
    await sleep(300);
    assert.equal(acks.length, 10, 'each callback exactly once');
    // Plain emits go through the same queue, and an unanswered one gives up after `retries` resends.
    const givenUp = await within(new Promise((resolve) => s.timeout(100).emit('nobody-listens', (...a) => resolve(a))),
                                 5000, 'the unanswered emit to give up');
    assert.equal(givenUp[0]?.code, 'TWINSOCK_ERR_ACK_TIMEOUT');
  });

  // --- listeners -------------------------------------------------------------

  test('CatchAllListeners', T, async () => {
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    const order = [];
    const outgoing = [];
    s.onAny((e) => order.push(`any:${e}`));
    s.prependAny((e) => order.push(`first:${e}`));
    const named = () => order.push('on:message-back');
    s.on('message-back', named);
    const out = (e, ...a) => outgoing.push([e, a]);
    s.onAnyOutgoing(out);
    await connected(s);
    s.emit('message', 'x', Buffer.from([1]));
    await eventually(() => order.includes('on:message-back'), 'message-back');
    const at = order.indexOf('first:message-back');
    assert.ok(at >= 0);
    assert.deepEqual(order.slice(at, at + 3), ['first:message-back', 'any:message-back', 'on:message-back'],
                     'prependAny, onAny, then named listeners');
    assert.equal(outgoing.length, 1);
    assert.equal(outgoing[0][0], 'message');
    assert.deepEqual(plain(outgoing[0][1]), plain(['x', Buffer.from([1])]));
    // offAny removes the incoming catch-alls only.
    s.offAny();
    order.length = 0;
    s.emit('message', 'y');
    await eventually(() => order.length > 0, 'message-back');
    await sleep(100);
    assert.deepEqual(order, ['on:message-back']);
    assert.equal(outgoing.length, 2, 'onAnyOutgoing survives offAny');
    // Removing a listener removes just that listener.
    s.offAnyOutgoing(out);
    s.off('message-back', named);
    let again = 0;
    s.on('message-back', () => again++);
    s.emit('message', 'z');
    await eventually(() => again === 1, 'the probe');
    assert.equal(order.length, 1, 'the removed on() listener was not called');
    assert.equal(outgoing.length, 2, 'the removed outgoing listener was not called');
  });

  test('OnceAndSubscriptionReset', T, async () => {
    const m = manager(fast(['websocket']));
    const s = m.socket('/');
    const log = logSocket(s);
    let onceCalls = 0;
    let onCalls = 0;
    s.once('message-back', () => onceCalls++);
    const on = () => onCalls++;
    s.on('message-back', on);
    await connected(s);
    await echo(s, log, [1]);
    await echo(s, log, [2]);
    assert.equal(onceCalls, 1);
    assert.equal(onCalls, 2);
    s.off('message-back', on);
    await echo(s, log, [3]);
    assert.equal(onCalls, 2, 'off unsubscribes');
    // A once listener removed before it fired never fires.
    const never = () => onceCalls++;
    s.once('message-back', never);
    s.off('message-back', never);
    await echo(s, log, [4]);
    assert.equal(onceCalls, 1);
  });

  test('EventsOfAnotherNamespaceAreNotSeen', T, async () => {
    const m = manager(fast(['websocket']));
    const root = m.socket('/');
    const custom = m.socket('/custom');
    const rootLog = logSocket(root);
    const customLog = logSocket(custom);
    await connected(root, custom);
    custom.emit('shout', 'to /custom');
    await eventually(() => customLog.count('message-back') === 1, 'message-back on /custom');
    await sleep(100);
    assert.equal(rootLog.count('message-back'), 0);
  });

  // --- msgpack ---------------------------------------------------------------

  test('MsgpackParser', T, async () => {
    const srv = await ownServer(['--msgpack']);
    for (const transport of ['polling', 'websocket']) {
      const m = manager(fast([transport], { parser: 'msgpack' }), srv.url());
      const mlog = logManager(m);
      const root = m.socket('/');
      const custom = m.socket('/custom');
      const admin = m.socket('/admin');
      const rootLog = logSocket(root);
      const customLog = logSocket(custom);
      const adminLog = logSocket(admin);
      await eventually(() => root.connected && custom.connected && adminLog.connectErrors.length > 0,
                       `${transport}: connected, and /admin refused ${mlog.errors[0]?.message ?? ''}`);
      assert.equal(adminLog.connectErrors[0].message, 'Not authorized');
      assert.deepEqual(adminLog.connectErrors[0].data, { reason: 'bad token' });
      const args = ['text', 1, -2, 3.25, true, null, { blob: Buffer.from([0, 1, 255]), list: [Buffer.from([9])] }];
      await echo(root, rootLog, args, transport);
      await echo(custom, customLog, args, transport);
      const acked = await ask(root, 'message-with-ack', ...args);
      assert.deepEqual(plain(acked), plain(args), transport);
      root.on('question', (text, reply) => reply(Buffer.from([4, 2])));
      root.emit('ask', 'binary answer?');
      await eventually(() => rootLog.count('answer') === 1, `${transport}: answer`);
      assert.deepEqual(plain(rootLog.of('answer')[0]), [{ bin: [4, 2] }], transport);
      assert.deepEqual(mlog.errors, []);
      m.close();
    }
  });

  // --- namespace CONNECT timeout ---------------------------------------------

  test('UnansweredNamespaceConnectTimesOut', T, async () => {
    const m = manager(fast(['websocket'], { timeout: 500 }));
    const never = m.socket('/never');
    const log = logSocket(never);
    await eventually(() => log.connectErrors.length > 0, 'connect_error after the timeout', 4000);
    assert.equal(log.connectErrors[0].code, 'TWINSOCK_ERR_CONNECT_TIMEOUT');
    assert.equal(never.connected, false);
  });

  // --- inactive sockets ------------------------------------------------------

  test('InactiveSocketsGetNoConnectErrorFromFailedReconnections', T, async () => {
    const srv = await ownServer();
    const m = manager(fast(['websocket']), srv.url());
    const mlog = logManager(m);
    const root = m.socket('/');
    const admin = m.socket('/admin');  // refused: inactive from then on
    const rootLog = logSocket(root);
    const adminLog = logSocket(admin);
    await eventually(() => root.connected && adminLog.connectErrors.length === 1, 'root connected, admin refused');
    await srv.kill();
    await eventually(() => mlog.reconnectErrors >= 2, 'two failed attempts');
    assert.ok(rootLog.connectErrors.length >= 1, 'the active socket hears about failed attempts');
    assert.equal(adminLog.connectErrors.length, 1, 'the refused /admin socket hears nothing of the reconnection');
  });

  // --- closing from callbacks (the JS counterpart of destroying the Manager) --

  test('TheManagerMayBeDestroyedInsideAnyCallback', T, async () => {
    const problems = [];
    const onUncaught = (e) => problems.push(e);
    process.on('uncaughtException', onUncaught);
    const originalError = console.error;
    console.error = (...a) => problems.push(a);
    try {
      for (const where of ['connect', 'onAny', 'listener', 'ack', 'ack_timeout', 'disconnect', 'connect_error', 'reply',
                           'manager_close']) {
        const m = manager(fast(['websocket']));
        let destroyed = false;
        const destroy = () => { m.close(); destroyed = true; };
        const s = m.socket(where === 'connect_error' ? '/admin' : '/');
        switch (where) {
          case 'connect': s.on('connect', destroy); break;
          case 'onAny':
            s.onAny((e) => e === 'message-back' && destroy());
            s.on('connect', () => s.emit('message', 1, Buffer.from([2])));
            break;
          case 'listener': s.on('welcome', destroy); break;
          case 'ack': s.on('connect', () => s.emit('message-with-ack', 1, destroy)); break;
          case 'ack_timeout': s.on('connect', () => s.timeout(50).emit('nobody-listens', destroy)); break;
          case 'disconnect':
            s.on('disconnect', destroy);
            s.on('connect', () => s.emit('disconnect-me'));
            break;
          case 'connect_error': s.on('connect_error', destroy); break;
          case 'reply':
            s.on('question', (text, reply) => { destroy(); reply('after destroy'); });
            s.on('connect', () => s.emit('ask', '?'));
            break;
          case 'manager_close':
            m.on('close', destroy);
            s.on('connect', () => s.emit('cut', 0));
            break;
        }
        await eventually(() => destroyed, where);
        await sleep(100);  // anything still posted must not touch the closed Manager
        assert.equal(m._readyState, 'closed', where);
      }
    } finally {
      process.off('uncaughtException', onUncaught);
      console.error = originalError;
    }
    assert.deepEqual(problems, []);
  });

  test('DisconnectInsideOnConnect', T, async () => {
    const m = manager(fast());
    const s = m.socket('/');
    const log = logSocket(s);
    const details = [];
    s.on('connect', () => s.disconnect());
    s.on('disconnect', (reason, d) => details.push(d));
    m.on('close', (reason, d) => details.push(d));
    await eventually(() => log.disconnects.length === 1, 'disconnect');
    assert.equal(log.disconnects[0], 'io client disconnect');
    await eventually(() => details.length === 2, 'the Manager\'s close');
    assert.deepEqual(details, [undefined, undefined], 'only a lost connection has details');
    assert.equal(s.active, false);
    await eventually(() => m._readyState === 'closed', 'the Manager to close');
  });

  test('ConnectRightAfterManagerCloseReconnects', T, async () => {
    // socket.io-client: manager.close() disconnects the sockets at once ("forced close"),
    // so a socket.connect() right after it opens a new session.
    const m = manager(fast());
    const s = m.socket('/');
    const log = logSocket(s);
    await connected(s);
    m.close();
    const connectedAfterClose = s.connected;
    s.connect();
    await eventually(() => log.connects === 2 && s.connected, 'a new session', 3000);
    assert.equal(connectedAfterClose, false, 'close() disconnects the sockets at once');
    await echo(s, log, ['after close and connect']);
  });

  test('DestroyingTheManagerWhileConnectedIsClean', T, async () => {
    for (const transport of ['polling', 'websocket']) {
      const m = manager(fast([transport]));
      const s = m.socket('/');
      await connected(s);
      s.emit('message', 'in flight', () => {});
      m.close();
      await sleep(200);
      assert.equal(m._readyState, 'closed');
    }
  });

  test('ClosingTheManagerWhileItsWebSocketConnectsIsClean', T, async () => {
    // A server that accepts TCP and never answers: the WebSocket stays CONNECTING.
    const held = [];
    const hang = createServer((c) => held.push(c));
    await new Promise((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const uncaught = [];
    const onUncaught = (e) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const m = manager(fast(['websocket']), `http://127.0.0.1:${hang.address().port}`);
      m.socket('/');
      await sleep(50);
      m.close();
      await sleep(100);
      assert.equal(m._readyState, 'closed');
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const c of held) c.destroy();
      hang.close();
    }
    assert.deepEqual(uncaught.map((e) => e.message), [], 'no uncaught "error" from the WebSocket closed while connecting');
  });

  // --- JS-only: a throwing listener ------------------------------------------

  test('AListenerThatThrowsDoesNotBreakTheSdk', T, async () => {
    const reported = [];
    const originalError = console.error;
    const originalReport = globalThis.reportError;
    console.error = (...a) => reported.push(a);
    if (typeof originalReport === 'function') globalThis.reportError = (e) => reported.push([e]);
    try {
      const m = manager(fast(['websocket']));
      const s = m.socket('/');
      const log = logSocket(s);
      const boom = () => { throw new Error('listener boom'); };
      s.on('connect', boom);
      s.onAny(boom);
      s.on('message-back', boom);
      s.on('question', (text, reply) => { reply('answered anyway'); throw new Error('reply boom'); });
      let acked;
      await connected(s);
      s.emit('message', 1);
      s.emit('message-with-ack', 'a', (...a) => { acked = a; throw new Error('ack boom'); });
      s.emit('ask', '?');
      await eventually(() => log.count('message-back') === 1 && acked && log.count('answer') === 1, 'events after throws');
      // Later events still arrive, in order, to every listener.
      await echo(s, log, [2]);
      await echo(s, log, [3]);
      assert.deepEqual(log.of('message-back'), [[1], [2], [3]]);
      assert.ok(s.connected);
      assert.ok(reported.some((r) => r.some((x) => x instanceof Error && x.message === 'listener boom')), 'the throw is reported');
      assert.ok(reported.some((r) => r.some((x) => x instanceof Error && x.message === 'ack boom')), 'the ack throw is reported');
    } finally {
      console.error = originalError;
      if (typeof originalReport === 'function') globalThis.reportError = originalReport;
    }
  });
});

describe('Socket.IO (WASM facade): cookies', () => {
  test('TheManagersCookieJarSendsTheStickyCookieBackOnEveryRequest', T, async () => {
    const srv = await startServer('sio-server.mjs', [...HEARTBEAT, '--cookie']);
    const m = new Manager(srv.url(), { transports: ['polling'] });
    try {
      const s = m.socket('/');
      await connected(s);
      for (let i = 0; i < 3; ++i) s.emit('message', i);
      const [log] = await ask(s, 'cookies');
      assert.ok(log.length >= 3, JSON.stringify(log));
      assert.equal(log[0], null, `the handshake carries no cookie yet: ${JSON.stringify(log)}`);
      for (const c of log.slice(1)) {
        assert.ok(typeof c === 'string' && c.includes('lb=') && c.includes('path=1'), JSON.stringify(log));
        assert.ok(!/gone=|elsewhere=|tls=/.test(c), `expired, other-path and Secure cookies stay home: ${c}`);
      }
    } finally {
      m.close();
      await srv.stop();
    }
  });

  // A server that sets cookies without end cannot grow the jar without end (the native jar's rule).
  test('TheJarKeepsTheNewest180CookiesAndNoNamelessOne', T, async () => {
    const srv = await startServer('sio-server.mjs', [...HEARTBEAT, '--cookie', '--cookie-flood']);
    const m = new Manager(srv.url(), { transports: ['polling'] });
    try {
      const s = m.socket('/');
      await connected(s);
      const [log] = await ask(s, 'cookies');
      const sent = log.at(-1).split('; ');
      const newest = Array.from({ length: 180 }, (_, i) => `n${i + 20}=1`);
      assert.deepEqual([...sent].sort(), [...newest].sort(), `the newest 180, nothing nameless: ${log.at(-1)}`);
    } finally {
      m.close();
      await srv.stop();
    }
  });

  // Cookie-sticky load balancers route the WebSocket upgrade by the cookie too.
  test('TheStickyCookieGoesWithTheWebSocketUpgrade', T, async () => {
    const srv = await startServer('sio-server.mjs', [...HEARTBEAT, '--cookie']);
    const m = new Manager(srv.url());
    try {
      const s = m.socket('/');
      await connected(s);
      await eventually(() => s.io.engine?.transport.name === 'websocket', 'the upgrade');
      const [log] = await ask(s, 'websocket-cookies');
      assert.equal(log.length, 1, JSON.stringify(log));
      assert.ok(typeof log[0] === 'string' && log[0].includes('lb=') && log[0].includes('path=1'), JSON.stringify(log));
    } finally {
      m.close();
      await srv.stop();
    }
  });
});
