// ReconnectingWebSocket of the npm package (over the WASM build) against the `ws` 8
// reference server (tests/servers/ws-server.mjs). Each test is named after its
// counterpart in tests/integration/ws_integration_test.cpp.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';

import { createServer } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { eventually, sleep, startServer, tracker, twinsock } from './support.mjs';

const { ReconnectingWebSocket } = twinsock;
const T = { timeout: 20_000 };


/** What one client saw (the native Events). */
function logClient(c) {
  const log = { messages: [], closes: [], errors: [], reconnects: [], opens: 0 };
  c.addEventListener('open', () => log.opens++);
  c.addEventListener('message', (e) => log.messages.push(e.data));
  c.addEventListener('close', (e) => log.closes.push(e));
  c.addEventListener('error', (e) => log.errors.push(e.error?.code ?? e.message));
  c.addEventListener('reconnecting', (e) => log.reconnects.push([e.attempt, e.delay]));
  return log;
}

// Node's own WebSocket (--experimental-websocket) is used when there is one, as a browser's
// would be; else the `ws` package, which can tell more (the status of a refused upgrade).
const usesWsPackage = typeof globalThis.WebSocket !== 'function';

const bytes = (data) => (data instanceof ArrayBuffer ? [...new Uint8Array(data)] : `not an ArrayBuffer: ${typeof data} ${data}`);

describe('ReconnectingWebSocket (WASM facade) against ws-server.mjs', () => {
  let server;
  let t;
  const url = (path) => server.url(path, 'ws');
  const client = (...args) => t.track(new ReconnectingWebSocket(...args));

  before(async () => { server = await startServer('ws-server.mjs'); });
  after(async () => { await server?.stop(); });
  beforeEach(() => { t = tracker(); });
  afterEach(async () => { await t.closeAll(); });

  test('EchoesTextAndBinary', T, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    assert.equal(c.readyState, ReconnectingWebSocket.CONNECTING);
    c.send('héllo ☃');  // queued until open
    c.send(new Uint8Array([0x00, 0x01, 0xff, 0x80]));
    c.send(new Uint8Array([9, 1, 2, 9]).subarray(1, 3));  // a view: only its bytes
    c.send(new Uint8Array([3, 4]).buffer);
    await eventually(() => log.messages.length === 4, 'four echoes');
    assert.equal(log.messages[0], 'héllo ☃');
    assert.deepEqual(bytes(log.messages[1]), [0x00, 0x01, 0xff, 0x80]);
    assert.deepEqual(bytes(log.messages[2]), [1, 2]);
    assert.deepEqual(bytes(log.messages[3]), [3, 4]);
    assert.equal(c.readyState, ReconnectingWebSocket.OPEN);
    assert.equal(c.readyState, c.OPEN);
  });

  test('BlobsAreSentAsBinaryInOrder', T, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    c.send('first');
    c.send(new Blob([new Uint8Array([1, 2]), 'z']));  // read asynchronously...
    c.send('after the blob');  // ...and what follows waits behind it
    c.send(new Blob([]));
    c.send(new Uint8Array([7]));
    // As the DOM's: what waits behind the Blob counts in bufferedAmount (3 + 14 + 0 + 1 bytes).
    assert.ok(c.bufferedAmount >= 18, `bufferedAmount ${c.bufferedAmount}`);
    await eventually(() => log.messages.length === 5, 'five echoes');
    assert.equal(c.bufferedAmount, 0);
    assert.equal(log.messages[0], 'first');
    assert.deepEqual(bytes(log.messages[1]), [1, 2, 0x7a]);
    assert.equal(log.messages[2], 'after the blob');
    assert.deepEqual(bytes(log.messages[3]), []);
    assert.deepEqual(bytes(log.messages[4]), [7]);
    assert.deepEqual(log.errors, []);
  });

  test('AnUnreadableBlobIsAnErrorEventAndWhatFollowsIsStillSent', T, async () => {
    class UnreadableBlob extends Blob {
      arrayBuffer() { return Promise.reject(new Error('the file is gone')); }
    }
    const c = client(url('/echo'));
    const log = logClient(c);
    await eventually(() => log.opens === 1, 'open');
    c.send(new UnreadableBlob(['x']));
    c.send(null);  // the DOM's WebSocket sends "null"; queued behind the Blob all the same
    c.send('after');
    await eventually(() => log.messages.length === 2, 'two echoes');
    assert.deepEqual(log.messages, ['null', 'after']);
    assert.deepEqual(log.errors, ['TWINSOCK_ERR_INVALID_ARGUMENT']);
  });

  test('NoMessageAfterCloseInsideOnmessage', T, async () => {
    // The DOM's WebSocket delivers nothing once close() has been called, even what the
    // server had already sent ("1".."5" arrive together).
    const c = client(url('/count'), { reconnect: false });
    const got = [];
    c.onmessage = (e) => {
      got.push(e.data);
      if (got.length === 2) c.close();
    };
    const log = logClient(c);
    await eventually(() => log.closes.length === 1, 'close');
    assert.deepEqual(got, ['1', '2']);
  });

  test('CloseDropsWhatStillWaitsForABlob', T, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    await eventually(() => log.opens === 1, 'open');
    c.send('before');
    c.send(new Blob(['never']));
    c.send('never either');
    c.close();
    await eventually(() => log.closes.length === 1, 'close');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(!log.messages.some((m) => typeof m !== 'string' || m.includes('never')), JSON.stringify(log.messages));
    assert.deepEqual(log.errors, []);
  });

  test('ABlobSentAfterCloseOrBeforeDisposeIsDroppedQuietly', T, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    const d = client(url('/echo'));
    const disposedLog = logClient(d);
    await eventually(() => log.opens === 1 && disposedLog.opens === 1, 'open');
    c.close();
    c.send(new Blob(['late']));  // the DOM's WebSocket drops it without a word
    d.send(new Blob(['x']));
    d.dispose();  // nothing is delivered afterwards
    await eventually(() => log.closes.length === 1, 'close');
    await sleep(100);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(disposedLog.errors, []);
    assert.deepEqual(disposedLog.messages, []);
  });

  test('CloseChecksCodeAndReasonAsTheDomDoes', T, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    await eventually(() => log.opens === 1, 'open');
    for (const code of [999, 1001, 1005, 1006, 2999, 5000]) {
      assert.throws(() => c.close(code), (e) => e instanceof DOMException && e.name === 'InvalidAccessError', `code ${code}`);
    }
    assert.throws(() => c.close(1000, 'é'.repeat(62)), (e) => e instanceof DOMException && e.name === 'SyntaxError');
    assert.throws(() => c.reconnect(1005), (e) => e.name === 'InvalidAccessError');
    assert.equal(c.readyState, ReconnectingWebSocket.OPEN, 'a refused close() changes nothing');
    c.close(3000, 'x'.repeat(123));
    await eventually(() => log.closes.length === 1, 'close');
    assert.equal(log.closes[0].code, 3000);
    assert.equal(log.closes[0].reason, 'x'.repeat(123));
  });

  test('ABadUrlFailsOnceWithoutRetries', T, async () => {
    // As the DOM's WebSocket: a bad URL or subprotocol list throws a SyntaxError at once.
    const syntaxError = (e) => e instanceof DOMException && e.name === 'SyntaxError';
    for (const bad of ['not a url', 'localhost:8080/echo', 'ftp://127.0.0.1/', 'ws://127.0.0.1/#part', '']) {
      assert.throws(() => new ReconnectingWebSocket(bad), syntaxError, bad);
    }
    for (const protocols of [['a', 'a'], ['bad proto'], 'x,y']) {
      assert.throws(() => new ReconnectingWebSocket(url('/echo'), protocols), syntaxError, String(protocols));
    }
    const c = client(url('/echo'), { startClosed: true });
    assert.equal(c.url, url('/echo'), 'url is there at once');
  });

  test('AnHttpUrlMeansWs', T, async () => {
    const c = client(url('/echo').replace('ws://', 'http://'));
    const log = logClient(c);
    c.send('over http://');
    await eventually(() => log.messages.length === 1, 'the echo');
    assert.equal(log.messages[0], 'over http://');
  });

  test('LongTextMessagesRoundTrip', T, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    const text = `${'ü☃'.repeat(50_000)}😀`;  // past the 64 Ki units the facade encodes first
    c.send(text);
    c.send('short ☃');
    await eventually(() => log.messages.length === 2, 'two echoes');
    assert.equal(log.messages[0], text);
    assert.equal(log.messages[1], 'short ☃');
  });

  test('SixteenMebibyteMessagesBothWays', { timeout: 30_000 }, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    const big = new Uint8Array(16 << 20);
    for (let i = 0; i < big.length; ++i) big[i] = (i * 31 + 7) & 0xff;
    c.send(big);
    await eventually(() => log.messages.length > 0, 'the 16 MiB echo', 25_000);
    const back = log.messages[0];
    assert.ok(back instanceof ArrayBuffer);
    assert.equal(back.byteLength, big.length);
    assert.ok(Buffer.from(back).equals(Buffer.from(big.buffer)), 'the same bytes');
  });

  test('MessageOverTheLimitClosesWith1009', T, async () => {
    const c = client(url('/big/1001'), { maxMessageSize: 1000, reconnect: false });
    const log = logClient(c);
    await eventually(() => log.closes.length > 0, 'close');
    assert.deepEqual(log.errors, ['TWINSOCK_ERR_WS_MESSAGE_TOO_BIG']);
    assert.equal(log.closes[0].error?.code, 'TWINSOCK_ERR_WS_MESSAGE_TOO_BIG', 'the close event carries the error');
    assert.equal(log.closes[0].error?.closeCode, 1009, 'the error maps to close code 1009');
    assert.equal(log.closes[0].wasClean, false);
    assert.deepEqual(log.messages, [], 'the oversized message is not delivered');
    await sleep(200);
    assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
    assert.equal(log.opens, 1, 'no reconnection (reconnect: false)');
  });

  // The wasm heap never shrinks: a message over the limit must not pass through it.
  // Node counts the heap in `external` memory, as it does the server's and the client's
  // buffers, which a collection frees.
  test('AMessageOverTheLimitDoesNotGrowTheWasmHeap', { timeout: 60_000 }, async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc');
    const external = async () => {  // buffers' memory goes back a little after a collection
      for (let i = 0; i < 3; ++i) {
        gc();
        await sleep(50);
      }
      return process.memoryUsage().external;
    };
    const size = 64 * 1024 * 1024;
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    // Binary over the limit; then text under it in UTF-16 units but over it in UTF-8 bytes.
    const messages = [Buffer.alloc(size), '日'.repeat(size / 2)];
    wss.on('connection', (ws) => ws.send(messages.shift()));
    try {
      for (const maxMessageSize of [1000, size]) {
        const before = await external();
        const c = client(`ws://127.0.0.1:${wss.address().port}/`, { maxMessageSize, reconnect: false });
        const log = logClient(c);
        await eventually(() => log.closes.length > 0, 'closed');
        assert.equal(log.closes[0].error?.code, 'TWINSOCK_ERR_WS_MESSAGE_TOO_BIG');
        const grown = (await external()) - before;
        assert.ok(grown < size / 2, `limit ${maxMessageSize}: external memory grew by ${grown} bytes`);
      }
    } finally {
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  test('MessageOverTheLimitClosesWith1009: the server sees 1009 (Node\'s `ws` may send it)',
       { ...T, skip: !usesWsPackage && 'a browser-like WebSocket may not send 1009 (the server sees 1005)' }, async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    const codes = [];
    wss.on('connection', (ws) => {
      ws.on('close', (code) => codes.push(code));
      ws.send(Buffer.alloc(1001));
    });
    try {
      const c = client(`ws://127.0.0.1:${wss.address().port}/`, { maxMessageSize: 1000, reconnect: false });
      const log = logClient(c);
      await eventually(() => log.closes.length > 0 && codes.length > 0, 'both sides closed');
      assert.deepEqual(codes, [1009]);
    } finally {
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  test('CloseTimeoutLetsGoOfAServerThatNeverAnswersTheCloseFrame', T, async () => {
    // A raw server: it completes the handshake, then reads and ignores everything.
    const { createHash } = await import('node:crypto');
    const sockets = [];
    const raw = createServer((s) => {
      sockets.push(s);
      s.once('data', (head) => {
        const key = /Sec-WebSocket-Key: (\S+)/i.exec(head.toString())[1];
        const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      });
    });
    await new Promise((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const c = client(`ws://127.0.0.1:${raw.address().port}/`, { closeTimeout: 300 });
      const log = logClient(c);
      await eventually(() => log.opens === 1, 'open');
      const started = Date.now();
      c.close();
      await eventually(() => log.closes.length === 1, 'the close event within closeTimeout', 3000);
      assert.ok(Date.now() - started < 2500, `closed after ${Date.now() - started} ms`);
      assert.equal(log.closes[0].code, 1006);
      assert.equal(log.closes[0].error?.code, 'TWINSOCK_ERR_CLOSE_TIMEOUT');
      assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
      // The `ws` package can drop the socket at once; a browser-like one lets go in its own time.
      if (usesWsPackage) await eventually(() => sockets.every((s) => s.destroyed || s.readableEnded), 'the socket let go');
    } finally {
      for (const s of sockets) s.destroy();
      raw.close();
    }
  });

  test('AnswersServerPings', T, async () => {
    const c = client(url('/ping'));
    const log = logClient(c);
    await eventually(() => log.messages.length > 0, 'the pong echo');
    assert.equal(log.messages[0], 'pong:hello');
  });

  test('HeartbeatPingsGetPongsAndTheConnectionStays',
       { skip: 'native only: a browser WebSocket (and so the web platform) cannot send pings' }, () => {});

  test('ServerCloseCodeAndReasonArrive', T, async () => {
    const c = client(url('/close/4001'), { reconnect: false });
    const log = logClient(c);
    await eventually(() => log.closes.length > 0, 'close');
    assert.equal(log.closes[0].code, 4001);
    assert.equal(log.closes[0].reason, 'bye');
    assert.equal(log.closes[0].wasClean, true);
    assert.deepEqual(log.errors, []);
  });

  test('ServerCloseCodesFollowTheReconnectRule', T, async () => {
    // ws/client.hpp: no reconnection after 1000, 1008 or 4000-4999; yes for everything else.
    const codes = { 1000: false, 1008: false, 4000: false, 4999: false, 1001: true, 1011: true, 1012: true, 3000: true };
    const clients = Object.entries(codes).map(([code, again]) => {
      const c = client(url(`/close/${code}`), { minReconnectionDelay: 50, maxReconnectionDelay: 50, jitter: 0 });
      return { code: Number(code), again, c, log: logClient(c) };
    });
    await eventually(() => clients.every(({ again, log }) => (again ? log.opens >= 2 : log.closes.length >= 1)),
                     'every client to close (and those that should, to reconnect)');
    await sleep(300);
    for (const { code, again, c, log } of clients) {
      assert.equal(log.closes[0].code, code);
      if (again) {
        assert.ok(log.reconnects.length >= 1, `${code}: reconnects`);
        assert.ok(log.opens >= 2, `${code}: opens again`);
      } else {
        assert.deepEqual(log.reconnects, [], `${code}: no reconnection`);
        assert.equal(log.opens, 1, `${code}: opened once`);
        assert.equal(c.readyState, ReconnectingWebSocket.CLOSED, `${code}: closed`);
      }
    }
  });

  test('ShouldReconnectDecidesAfterServerCloses (JS option)', T, async () => {
    const seen = [];
    const c = client(url('/close/1000'), { minReconnectionDelay: 50, maxReconnectionDelay: 50, jitter: 0,
                                           shouldReconnect: (e) => { seen.push(e.code); return seen.length < 2; } });
    const log = logClient(c);
    await eventually(() => log.closes.length === 2, 'two closes');
    await sleep(200);
    assert.deepEqual(seen, [1000, 1000], 'asked once per close, with the close event');
    assert.equal(log.opens, 2, 'reconnected once after 1000, then stopped');
    assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
  });

  test('DomDetails: listener objects, binaryType, close("3000"), send after close()', T, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    const handler = { got: [], handleEvent(e) { this.got.push(e.data); } };
    c.addEventListener('message', handler);
    c.binaryType = 'nonsense';
    assert.equal(c.binaryType, 'arraybuffer', 'an unknown binaryType is ignored');
    c.send('one');
    await eventually(() => handler.got.length === 1, 'the object listener called');
    c.removeEventListener('message', handler);
    c.send('two');
    await eventually(() => log.messages.length === 2, 'second echo');
    assert.deepEqual(handler.got, ['one'], 'removed by the same object');
    c.close('3000');
    await eventually(() => log.closes.length === 1, 'close');
    assert.equal(log.closes[0].code, 3000);
    c.send('dropped');  // the DOM's WebSocket drops it silently
    assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
  });

  test('ClientCloseCodeAndReasonReachTheServer', T, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    await eventually(() => log.opens === 1, 'open');
    c.close(4321, 'client done');
    await eventually(() => log.closes.length > 0, 'close');
    // The server echoes the close code back (RFC 6455 §5.5.1), so the close is clean with our code.
    assert.equal(log.closes[0].code, 4321);
    assert.equal(log.closes[0].wasClean, true);
    assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
    await sleep(200);
    assert.equal(log.opens, 1, 'no reconnection after close()');
  });

  test('SubprotocolIsNegotiated', T, async () => {
    const c = client(url('/subprotocol'), ['chat.v2', 'chat.v1']);
    const log = logClient(c);
    await eventually(() => log.opens === 1, 'open');
    assert.equal(c.protocol, 'chat.v2');
    const single = client(url('/subprotocol'), 'chat.v1');
    const singleLog = logClient(single);
    await eventually(() => singleLog.opens === 1, 'open');
    assert.equal(single.protocol, 'chat.v1');
  });

  // A browser's WebSocket cannot set request headers; in Node the `ws` package and Node's
  // own WebSocket both can (this file also runs with --experimental-websocket).
  test('ExtraHeadersAreSent', T, async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    const seen = [];
    wss.on('connection', (ws, req) => seen.push({ token: req.headers['x-token'], protocol: ws.protocol }));
    try {
      const c = client(`ws://127.0.0.1:${wss.address().port}/`, ['chat'], { headers: { 'X-Token': 'abc' } });
      const log = logClient(c);
      await eventually(() => log.opens === 1 && seen.length === 1, 'open');
      assert.deepEqual(seen, [{ token: 'abc', protocol: 'chat' }]);
      assert.deepEqual(log.errors, []);
    } finally {
      for (const peer of wss.clients) peer.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  test('PerMessageDeflateRoundTrip', T, async () => {
    // The WebSocket implementation (browser, or `ws` in Node) negotiates permessage-deflate itself.
    const c = client(url('/deflate'));
    const log = logClient(c);
    const text = 'z'.repeat(5000);
    for (let i = 0; i < 3; ++i) c.send(text + i);
    await eventually(() => log.messages.length === 3, 'three echoes');
    log.messages.forEach((m, i) => assert.equal(m, text + i));
  });

  test('RefusedUpgradeIsAHandshakeError', T, async () => {
    const c = client(url('/reject'), { reconnect: false });
    const log = logClient(c);
    let message = '';
    c.addEventListener('error', (e) => { message = e.message; });
    await eventually(() => log.closes.length > 0, 'close', 3000);
    // In Node the `ws` package tells the status; a browser-like WebSocket hides it.
    if (usesWsPackage) {
      assert.deepEqual(log.errors, ['TWINSOCK_ERR_WS_HANDSHAKE_BAD_STATUS']);
      assert.match(message, /server answered HTTP 403/);
    } else {
      assert.deepEqual(log.errors, ['TWINSOCK_ERR_CONNECT_FAILED']);
    }
    assert.equal(log.closes[0].code, 1006);
    assert.equal(log.opens, 0);
  });

  test('ReconnectsWithBackoffAfterTheServerDies', T, async () => {
    let srv = t.track(await startServer('ws-server.mjs'));
    const c = client(srv.url('/echo', 'ws'), { minReconnectionDelay: 100, reconnectionDelayGrowFactor: 2, jitter: 0 });
    const log = logClient(c);
    await eventually(() => log.opens === 1, 'open');
    await srv.kill();
    // Attempts against the dead port fail at once; each waits the backoff delay first.
    await eventually(() => log.reconnects.length >= 3, 'three reconnection attempts', 3000);
    assert.deepEqual(log.reconnects.slice(0, 3).map(([, delay]) => delay), [100, 200, 400]);
    assert.equal(c.readyState, ReconnectingWebSocket.CONNECTING, 'waiting to reconnect reports CONNECTING');
    // The offline queue: sent while disconnected, delivered once it is back.
    c.send('queued 1');
    c.send(new Uint8Array([7]));
    c.send('queued 2');
    assert.ok(c.bufferedAmount > 0, 'the queued bytes count in bufferedAmount');
    // The server comes back on the same port: the client reconnects and works again.
    srv = t.track(await srv.restart());
    await eventually(() => log.opens === 2, 'the second open', 8000);
    await eventually(() => log.messages.length === 3, 'the queued messages', 3000);
    assert.equal(log.messages[0], 'queued 1');
    assert.deepEqual(bytes(log.messages[1]), [7]);
    assert.equal(log.messages[2], 'queued 2');
    c.send('back');
    await eventually(() => log.messages.length === 4, 'the echo of "back"');
    assert.equal(log.messages[3], 'back');
  });

  test('UrlProviderIsAskedBeforeEveryAttempt', T, async () => {
    // partysocket's `url: () => string`, and its async form (awaited before the first attempt).
    for (const async of [false, true]) {
      let n = 0;
      const next = () => url(`/url?n=${++n}`);
      const c = client(async ? async () => next() : next, { minReconnectionDelay: 50, jitter: 0 });
      const log = logClient(c);
      await eventually(() => log.messages.length >= 3, `three connections (async: ${async})`);
      c.close();
      assert.deepEqual(log.messages.slice(0, 3), ['/url?n=1', '/url?n=2', '/url?n=3'], `async: ${async}`);
      assert.match(c.url, /\/url\?n=\d+$/);
    }
  });

  test('ProtocolsProviderIsAskedBeforeEveryAttempt', T, async () => {
    // partysocket's `protocols: () => string[]` (a token carried as a subprotocol), and its async form.
    for (const async of [false, true]) {
      let n = 0;
      const next = () => ['chat', `token.${++n}`];
      const c = client(url('/protocols'), async ? async () => next() : next, { minReconnectionDelay: 50, jitter: 0 });
      const log = logClient(c);
      await eventually(() => log.messages.length >= 3, `three connections (async: ${async})`);
      c.close();
      const offered = log.messages.slice(0, 3).map((m) => m.split(/,\s*/).join(','));  // "a, b" or "a,b"
      assert.deepEqual(offered, ['chat,token.1', 'chat,token.2', 'chat,token.3'], `async: ${async}`);
    }
  });

  test('UrlAndProtocolsProvidersTogether', T, async () => {
    let n = 0;
    const c = client(async () => url(`/protocols?n=${++n}`), () => 'only', { minReconnectionDelay: 50, jitter: 0 });
    const log = logClient(c);
    await eventually(() => log.messages.length >= 2, 'two connections');
    c.close();
    assert.deepEqual(log.messages.slice(0, 2), ['only', 'only']);
    assert.ok(n >= 2, `the URL provider was asked ${n} times`);
  });

  test('ADebugListenerMayDisposeItsClient', T, async () => {
    const lines = [];
    const c = new ReconnectingWebSocket(url('/echo'), { debug: (line) => { lines.push(line); c.dispose(); } });
    await eventually(() => lines.length > 0, 'a trace line');
    assert.match(lines[0], /^WebSocket ws:\/\/127\.0\.0\.1:\d+\/echo$/);
    await sleep(100);
    assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
    assert.equal(lines.length, 1, 'nothing after dispose()');
  });

  // The module asks shouldReconnect in the middle of its own work: the client is freed
  // once that is done, and then never tries again.
  test('ShouldReconnectMayDisposeItsClient', T, async () => {
    let connections = 0;
    const hangUp = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
    try {
      let asked = 0;
      let next;  // made where the freed client's memory is free to be taken again
      const c = new ReconnectingWebSocket(`ws://127.0.0.1:${hangUp.address().port}/`, {
        minReconnectionDelay: 20, maxReconnectionDelay: 20, jitter: 0,
        shouldReconnect: () => {
          asked++;
          c.dispose();
          next = new ReconnectingWebSocket(url('/echo'), { startClosed: true });
          return true;
        },
      });
      await eventually(() => asked === 1, 'shouldReconnect asked');
      await sleep(300);
      assert.equal(asked, 1);
      assert.equal(connections, 1, 'no attempt after dispose()');
      assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
      assert.equal(next.readyState, ReconnectingWebSocket.CLOSED, 'the new client was left alone');
      assert.equal(next.retryCount, 0);
      next.dispose();
    } finally {
      hangUp.close();
    }
  });

  test('AnAsyncUrlProviderClosedBeforeItAnswersNeverConnects', T, async () => {
    let answer;
    const c = client(() => new Promise((resolve) => { answer = resolve; }));
    const log = logClient(c);
    assert.equal(c.url, '');
    c.close();
    answer(url('/echo'));
    await sleep(200);
    assert.equal(log.opens, 0);
    assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
  });

  test('ReconnectDelaysAreWaitedInRealTime', T, async () => {
    // Measured from the close to the next open: at least the delay (never early).
    const c = client(url('/close/1012'), { minReconnectionDelay: 300, jitter: 0 });
    const opens = [];
    const closes = [];
    c.addEventListener('open', () => opens.push(performance.now()));
    c.addEventListener('close', () => closes.push(performance.now()));
    await eventually(() => opens.length === 2, 'the second open');
    assert.ok(opens[1] - closes[0] >= 299, `waited ${opens[1] - closes[0]} ms`);
  });

  test('ClientMayBeDestroyedFromItsMessageCallback', T, async () => {
    const c = client(url('/count'));
    let seen = 0;
    const problems = [];
    const originalError = console.error;
    console.error = (...a) => problems.push(a);
    try {
      c.onmessage = () => {
        ++seen;
        c.dispose();
      };
      await eventually(() => seen > 0, 'the first message');
      await sleep(200);
    } finally {
      console.error = originalError;
    }
    assert.equal(seen, 1);
    assert.deepEqual(problems, []);
  });

  test('ADisposedClientAnswersAsClosed', T, async () => {
    const c = client(url('/echo'));
    const log = logClient(c);
    await eventually(() => c.readyState === ReconnectingWebSocket.OPEN, 'open');
    const at = c.url;
    c.dispose();
    assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
    assert.equal(c.url, at);
    assert.equal(c.bufferedAmount, 0);
    assert.throws(() => c.send('x'), (e) => e.code === 'TWINSOCK_ERR_INVALID_STATE');
    assert.throws(() => c.send(new Uint8Array([1])), (e) => e.code === 'TWINSOCK_ERR_INVALID_STATE');
    c.close();
    c.connect();
    await sleep(100);
    assert.equal(c.readyState, ReconnectingWebSocket.CLOSED);
    assert.equal(log.messages.length, 0);
  });

  test('DisposingOrClosingWhileConnectingIsClean', T, async () => {
    // A server that accepts TCP and never answers: the WebSocket stays CONNECTING.
    const held = [];
    const hang = createServer((s) => held.push(s));
    await new Promise((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const uncaught = [];
    const onUncaught = (e) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const at = `ws://127.0.0.1:${hang.address().port}/`;
      const disposed = client(at);
      const closed = client(at);
      const closedLog = logClient(closed);
      await sleep(50);
      assert.equal(disposed.readyState, ReconnectingWebSocket.CONNECTING);
      disposed.dispose();
      closed.close(4000, 'never sent');
      await eventually(() => closedLog.closes.length === 1, 'the close event');
      // As the DOM's WebSocket: no closing handshake took place.
      assert.deepEqual([closedLog.closes[0].code, closedLog.closes[0].wasClean], [1006, false]);
      await sleep(100);
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const s of held) s.destroy();
      hang.close();
    }
    assert.deepEqual(uncaught.map((e) => e.message), [], 'no uncaught "error" from the WebSocket closed while connecting');
  });

  test('AListenerThatThrowsDoesNotBreakTheSdk', T, async () => {
    const reported = [];
    const originalError = console.error;
    console.error = (...a) => reported.push(a);
    try {
      const c = client(url('/echo'));
      c.onmessage = () => { throw new Error('handler boom'); };
      c.addEventListener('message', () => { throw new Error('listener boom'); });
      const log = logClient(c);
      c.send('one');
      c.send('two');
      await eventually(() => log.messages.length === 2, 'both echoes');
      assert.deepEqual(log.messages, ['one', 'two']);
      assert.equal(c.readyState, ReconnectingWebSocket.OPEN);
      assert.ok(reported.some((r) => r.some((x) => x instanceof Error && x.message === 'handler boom')));
    } finally {
      console.error = originalError;
    }
  });
});
