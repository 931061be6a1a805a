// EventSourceClient of the npm package (over the WASM build, fetch() underneath)
// against the SSE reference server (tests/servers/sse-server.mjs). Each test is
// named after its counterpart in tests/integration/sse_integration_test.cpp.
//
// The first suite pins `transport: "fetch"`: the C++ sse::Client over fetch(), the
// twin of the native client, whatever the default backend. The second runs the
// scenarios a plain GET stream can take with the default options, i.e. what users
// get by default (the platform's EventSource where the facade picks it).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { eventually, getJson, sleep, startServer, tracker, twinsock } from './support.mjs';

const { EventSourceClient } = twinsock;
const T = { timeout: 20_000 };

/** What one client saw (the native Events); `types` are the named events to listen to. */
function logClient(c, types = []) {
  const log = { messages: [], errors: [], statuses: [], opens: 0, closes: 0, reconnects: 0 };
  c.addEventListener('open', () => log.opens++);
  for (const type of ['message', ...types]) c.addEventListener(type, (e) => log.messages.push(e));
  c.addEventListener('error', (e) => {
    log.errors.push(e.error?.code);
    log.statuses.push(e.status);
  });
  c.addEventListener('reconnecting', () => log.reconnects++);
  c.addEventListener('close', () => log.closes++);
  return log;
}

describe('EventSourceClient over fetch (WASM facade) against sse-server.mjs', () => {
  let server;
  let t;
  const url = (path) => server.url(path);
  const client = (at, options = {}) => t.track(new EventSourceClient(at, { ...options, transport: 'fetch' }));

  before(async () => { server = await startServer('sse-server.mjs'); });
  after(async () => { await server?.stop(); });
  beforeEach(() => { t = tracker(); });
  afterEach(async () => { await t.closeAll(); });

  test('NamedMultiLineAndDefaultEvents', T, async () => {
    const c = client(url('/named'), { reconnect: false });
    const log = logClient(c, ['tick']);
    const onmessage = [];
    c.onmessage = (e) => onmessage.push(e.data);
    await eventually(() => log.closes === 1, 'close');
    assert.equal(log.messages.length, 2);
    assert.equal(log.messages[0].type, 'tick');
    assert.equal(log.messages[0].data, 'a\nb');
    assert.equal(log.messages[0].lastEventId, '3');
    assert.equal(log.messages[0].origin, new URL(url('/')).origin);
    assert.equal(log.messages[1].type, 'message');
    assert.equal(log.messages[1].data, 'plain');
    assert.equal(log.messages[1].lastEventId, '3', 'the id stays in force');
    assert.deepEqual(onmessage, ['plain'], 'onmessage gets the default events only');
    assert.equal(c.reconnectionTime, 100);
    assert.deepEqual(log.errors, []);
    assert.equal(c.readyState, EventSourceClient.CLOSED);
  });

  test('ABadUrlFailsForGoodWithoutARequest', T, async () => {
    for (const bad of ['not a url', url('/events').replace('http://', 'ws://')]) {
      const c = client(bad, { headers: { 'X-Fetch': 'yes' } });
      const log = logClient(c);
      await eventually(() => log.closes === 1, `the close for ${bad}`);
      await sleep(100);
      assert.deepEqual(log.errors, ['TWINSOCK_ERR_URL_BAD_SCHEME'], bad);
      assert.equal(log.reconnects, 0, bad);
      assert.equal(c.readyState, EventSourceClient.CLOSED, bad);
    }
  });

  test('ABadUrlFailsForGoodWhateverTheBackend', T, async () => {
    // The default transport would pick the platform's EventSource for a plain GET, which
    // retries a URL it cannot fetch; such a URL goes to the core instead.
    for (const bad of ['not a url', url('/events').replace('http://', 'ws://')]) {
      const c = t.track(new EventSourceClient(bad));
      const log = logClient(c);
      await eventually(() => log.closes === 1, `the close for ${bad}`);
      assert.deepEqual(log.errors, ['TWINSOCK_ERR_URL_BAD_SCHEME'], bad);
      assert.equal(c.readyState, EventSourceClient.CLOSED, bad);
    }
  });

  test('ThePlatformResolvesUrlsRelativeToThePage', T, async () => {
    // What C++ programs compiled to WASM get (the facade resolves URLs before the core
    // sees them): the web platform reads location.href, faked here in Node.
    const { core } = await import(pathToFileURL(join(process.env.TWINSOCK_NPM_DIR, 'dist', 'core.js')).href);
    globalThis.location = { href: url('/some/page.html') };
    try {
      const seen = [];
      const c = new core.EventSourceClient('/events?n=1', JSON.stringify({ reconnect: false }), (type) => { seen.push(type); });
      assert.equal(c.url(), url('/events?n=1'));
      await eventually(() => seen.includes('message'), 'the event');
      c.close();
      c.delete();
    } finally {
      delete globalThis.location;
    }
  });

  test('TextArrivesExactlyWithTheIdInForce', T, async () => {
    const c = client(url('/text'), { reconnect: false });
    const log = logClient(c, ['\u00fcber']);
    await eventually(() => log.closes === 1, 'close');
    assert.deepEqual(log.messages.map((m) => [m.type, m.data, m.lastEventId]), [
      ['message', 'a\u0000b', '\u00e91'],
      ['message', 'h\u00e9llo \u2713 \u{1F600}', '\u00e91'],
      ['\u00fcber', 'x', '2'],
    ]);
    assert.equal(c.lastEventId, '2');
  });

  test('ADisposedClientAnswersAsClosed', T, async () => {
    const c = client(url('/text'), { reconnect: false });
    const log = logClient(c, ['\u00fcber']);
    await eventually(() => log.closes === 1, 'close');
    const at = c.url;
    c.dispose();
    assert.equal(c.readyState, EventSourceClient.CLOSED);
    assert.equal(c.url, at);
    assert.equal(c.lastEventId, '2');
    c.connect();
    await sleep(100);
    assert.equal(log.opens, 1);
    assert.equal(c.readyState, EventSourceClient.CLOSED);
  });

  test('ALostStreamIsAlreadyConnectingWhenItsErrorIsReported', T, async () => {
    const c = client(url('/stream?n=1'), { minReconnectionDelay: 50 });
    const states = [];
    c.onerror = () => states.push(c.readyState);
    await eventually(() => states.length >= 1, 'the error of the lost stream');
    c.close();
    assert.equal(states[0], EventSourceClient.CONNECTING, 'as EventSource: CONNECTING before "error"');
  });

  test('ResumesAfterDropsWithoutLossOrDuplicates', T, async () => {
    const c = client(url('/drop?n=7'), { minReconnectionDelay: 50 });
    const log = logClient(c);
    await eventually(() => log.messages.length >= 7, 'seven events');
    await sleep(300);  // a duplicate, if any, would arrive by now
    assert.deepEqual(log.messages.map((m) => m.data), [1, 2, 3, 4, 5, 6, 7].map((i) => `event ${i}`));
    assert.ok(log.reconnects >= 3, `the server drops every two events (${log.reconnects} reconnects)`);
    assert.equal(c.lastEventId, '7');
    // A stream lost in the middle is no failed connect (fetch() rejects alike for both).
    assert.ok(log.errors.length > 0 && log.errors.every((code) => code === 'TWINSOCK_ERR_CONNECTION_RESET'), log.errors.join());
  });

  test('ServerSeesLastEventIdOnReconnect', T, async () => {
    const c = client(url('/echo'), { lastEventId: '5' });
    assert.notEqual(c.transport, 'eventsource');
    const log = logClient(c);
    await eventually(() => log.messages.length > 0, 'the echo');
    const info = JSON.parse(log.messages[0].data);
    assert.equal(info.lastEventId, '5');
    assert.equal(info.method, 'GET');
    // And after a drop the server sees the newest id (its request log).
    const drop = client(url('/drop?n=4'), { minReconnectionDelay: 50 });
    const dropLog = logClient(drop);
    await eventually(() => dropLog.messages.length >= 4, 'four events');
    const seen = (await getJson(server.port, '/log')).filter((r) => r.path === '/drop').map((r) => r.lastEventId);
    assert.deepEqual(seen.slice(0, 3), [null, '2', '4'], JSON.stringify(seen));
  });

  // The EventSource standard sends Last-Event-ID as UTF-8 (fetch refuses what is above U+00FF).
  test('ANonAsciiLastEventIdGoesAsUtf8', T, async () => {
    const c = client(url('/echo'), { lastEventId: '日本é', headers: { 'X-Name': 'Zoë' } });
    const log = logClient(c);
    await eventually(() => log.messages.length > 0, 'the echo');
    const info = JSON.parse(log.messages[0].data);
    // Node's HTTP server reads header values as latin1: one character per byte.
    assert.equal(Buffer.from(info.lastEventId, 'latin1').toString('utf8'), '日本é');
  });

  // fetch refuses a URL with credentials: they go as Basic authentication, as natively.
  test('CredentialsInTheUrlAreBasicAuthentication', T, async () => {
    const target = new URL(url('/echo'));
    target.username = 'user';
    target.password = 'p@ss word';
    const c = client(target.href, { reconnect: false });
    const log = logClient(c);
    await eventually(() => log.messages.length > 0, 'the echo');
    const info = JSON.parse(log.messages[0].data);
    assert.equal(info.auth, `Basic ${Buffer.from('user:p@ss word').toString('base64')}`);
    assert.equal(c.url, target.href, 'the URL stays as given');
  });

  test('PostWithBodyAndHeaders', T, async () => {
    const c = client(url('/echo'), { method: 'POST', body: '{"prompt":"hi"}', headers: { Authorization: 'Bearer t0k' } });
    const log = logClient(c);
    await eventually(() => log.messages.length > 0, 'the echo');
    const info = JSON.parse(log.messages[0].data);
    assert.equal(info.method, 'POST');
    assert.equal(info.body, '{"prompt":"hi"}');
    assert.equal(info.auth, 'Bearer t0k');
  });

  test('NoContentStops', T, async () => {
    const c = client(url('/status/204'));
    const log = logClient(c);
    const states = [];
    c.addEventListener('error', () => states.push(['error', c.readyState, log.closes]));
    await eventually(() => log.closes === 1, 'close');
    // As an EventSource: the failed connection fires "error", closed; the native client has no error here.
    assert.deepEqual(log.errors, ['TWINSOCK_ERR_CLOSED_BY_SERVER']);
    assert.deepEqual(log.statuses, [204]);
    assert.deepEqual(states, [['error', EventSourceClient.CLOSED, 0]], 'error, then close');
    assert.equal(c.readyState, EventSourceClient.CLOSED);
    await sleep(200);
    assert.equal(log.reconnects, 0);
  });

  test('NotFoundFailsWithTheStatus', T, async () => {
    const c = client(url('/status/404'));
    const log = logClient(c);
    await eventually(() => log.closes === 1, 'close');
    assert.deepEqual(log.errors, ['TWINSOCK_ERR_HTTP_STATUS']);
    assert.deepEqual(log.statuses, [404]);
    assert.equal(c.readyState, EventSourceClient.CLOSED);
  });

  test('EventAndLineLimitsAreOptions', T, async () => {
    // /named sends the event name "tick" (a 4-byte value) and an event of 3 data bytes ("a\nb").
    const lines = t.track(new EventSourceClient(url('/named'), { reconnect: false, maxLineLength: 3 }));
    assert.equal(lines.transport, 'fetch', 'a limit is a fetch-only option: the default transport honours it');
    const lineLog = logClient(lines, ['tick']);
    const events = client(url('/named'), { reconnect: false, maxEventSize: 2 });
    const eventLog = logClient(events, ['tick']);
    await eventually(() => lineLog.errors.length > 0 && eventLog.errors.length > 0, 'both limits reported');
    assert.deepEqual(lineLog.errors, ['TWINSOCK_ERR_SSE_LINE_TOO_LONG']);
    assert.deepEqual(eventLog.errors, ['TWINSOCK_ERR_SSE_EVENT_TOO_LARGE']);
    assert.deepEqual(lineLog.messages, [], 'nothing of the refused stream is delivered');
    assert.deepEqual(eventLog.messages, []);
  });

  test('ServiceUnavailableIsRetried', T, async () => {
    const c = client(url('/status/503'), { minReconnectionDelay: 50 });
    const log = logClient(c);
    await eventually(() => log.reconnects >= 2, 'two reconnections');
    assert.equal(log.closes, 0);
    assert.equal(log.statuses[0], 503);
    assert.equal(c.readyState, EventSourceClient.CONNECTING);
  });

  test('WrongContentTypeFails', T, async () => {
    const c = client(url('/html'));
    const log = logClient(c);
    await eventually(() => log.closes === 1, 'close');
    assert.deepEqual(log.errors, ['TWINSOCK_ERR_SSE_BAD_CONTENT_TYPE']);
  });

  test('RedirectIsFollowed', T, async () => {
    const c = client(url('/redirect'), { reconnect: false });
    const log = logClient(c);
    await eventually(() => log.closes === 1, 'close');
    assert.equal(log.messages.length, 2);
    assert.equal(log.messages[1].data, 'event 2');
  });

  test('IdleTimeoutReconnects', T, async () => {
    const c = client(url('/silent'), { idleTimeout: 200, minReconnectionDelay: 50 });
    const log = logClient(c);
    await eventually(() => log.opens >= 2, 'the second open');
    assert.equal(log.errors[0], 'TWINSOCK_ERR_IDLE_TIMEOUT');
  });

  test('RefusedConnectionBacksOff', T, async () => {
    const dead = await startServer('sse-server.mjs');
    const port = dead.port;
    await dead.kill();
    const c = client(`http://127.0.0.1:${port}/events`, { minReconnectionDelay: 20, maxRetries: 3 });
    const log = logClient(c);
    await eventually(() => log.closes === 1, 'close');
    assert.equal(log.reconnects, 3);
    // fetch() does not say why a connection failed: the web platform reports a generic failure.
    assert.match(log.errors[0], /^TWINSOCK_ERR_/);
    assert.equal(log.errors.at(-1), 'TWINSOCK_ERR_RECONNECT_FAILED');
  });

  test('AListenerThatThrowsDoesNotBreakTheSdk', T, async () => {
    const reported = [];
    const originalError = console.error;
    console.error = (...a) => reported.push(a);
    try {
      const c = client(url('/events?n=3'), { reconnect: false });
      c.onmessage = () => { throw new Error('handler boom'); };
      c.addEventListener('message', () => { throw new Error('listener boom'); });
      const log = logClient(c);
      await eventually(() => log.closes === 1, 'close');
      assert.deepEqual(log.messages.map((m) => m.data), ['event 1', 'event 2', 'event 3']);
      assert.ok(reported.some((r) => r.some((x) => x instanceof Error && x.message === 'handler boom')));
    } finally {
      console.error = originalError;
    }
  });
});

// The one test here without a real server: it needs exactly one read per chunk, which
// no socket guarantees, so fetch() is replaced by a stream that hands out 2-byte chunks.
describe('EventSourceClient over fetch (WASM facade): the read loop', () => {
  test('AStreamOfManyChunksDoesNotGrowTheHeapPerChunk', { timeout: 120_000 }, async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc');
    const comment = new TextEncoder().encode(':\n');  // no event: only the read loop runs
    const first = 50_000;
    const total = 250_000;
    const heap = [];
    let pulled = 0;
    let finished;
    const streamEnded = new Promise((resolve) => { finished = resolve; });
    const realFetch = globalThis.fetch;
    globalThis.fetch = async () => new Response(new ReadableStream({
      pull(controller) {
        if (pulled === first || pulled === total) {
          gc();
          heap.push(process.memoryUsage().heapUsed);
        }
        if (pulled++ < total) controller.enqueue(comment);
        else {
          controller.close();
          finished();
        }
      },
    }), { headers: { 'content-type': 'text/event-stream' } });
    const c = new EventSourceClient('http://127.0.0.1:1/stream', { transport: 'fetch', reconnect: false });
    try {
      await streamEnded;
      const grown = heap[1] - heap[0];
      assert.ok(grown < 4e6, `the heap grew ${grown} bytes over ${total - first} reads`);
    } finally {
      globalThis.fetch = realFetch;
      c.close();
    }
  });
});

describe('EventSourceClient with the default options against sse-server.mjs', () => {
  let server;
  let t;
  const url = (path) => server.url(path);
  const client = (at) => t.track(new EventSourceClient(at));

  before(async () => { server = await startServer('sse-server.mjs'); });
  after(async () => { await server?.stop(); });
  beforeEach(() => { t = tracker(); });
  afterEach(async () => { await t.closeAll(); });


  test('NamedMultiLineAndDefaultEvents (default options)', T, async (ctx) => {
    const c = client(url('/named'));
    ctx.diagnostic(`transport: ${c.transport ?? 'fetch'}`);
    const log = logClient(c, ['tick']);
    await eventually(() => log.messages.length >= 2, 'two events');
    c.close();
    assert.deepEqual(log.messages.slice(0, 2).map((m) => [m.type, m.data]), [['tick', 'a\nb'], ['message', 'plain']]);
    assert.equal(log.messages[0].lastEventId, '3');
  });

  test('NamedMultiLineAndDefaultEvents (default options): the id stays in force',
       T, async () => {
         const c = client(url('/named'));
         const log = logClient(c, ['tick']);
         await eventually(() => log.messages.length >= 2, 'two events');
         c.close();
         assert.equal(log.messages[1].lastEventId, '3', 'an event without id: field keeps the last event id');
       });

  test('ResumesAfterDropsWithoutLossOrDuplicates (default options)', T, async () => {
    const c = client(url('/drop?n=5'));  // the server's `retry: 200` sets the delay
    const log = logClient(c);
    await eventually(() => log.messages.length >= 5, 'five events');
    await sleep(300);
    c.close();
    assert.deepEqual(log.messages.map((m) => m.data), [1, 2, 3, 4, 5].map((i) => `event ${i}`));
    assert.equal(c.lastEventId, '5');
  });

  test('NoContentStops (default options)', T, async () => {
    const c = client(url('/status/204'));
    const log = logClient(c);
    await eventually(() => log.closes === 1, 'close');
    assert.deepEqual(log.errors, ['TWINSOCK_ERR_CLOSED_BY_SERVER'], 'an EventSource fires "error" for a 204');
    assert.deepEqual(log.statuses, [204]);
    assert.equal(c.readyState, EventSourceClient.CLOSED);
  });

  test('NotFoundFailsWithTheStatus (default options)', T, async () => {
    const c = client(url('/status/404'));
    const log = logClient(c);
    await eventually(() => log.closes === 1, 'close');
    assert.deepEqual(log.errors, ['TWINSOCK_ERR_HTTP_STATUS']);
    assert.deepEqual(log.statuses, [404]);
  });

  test('WrongContentTypeFails (default options)', T,
       async () => {
         const c = client(url('/html'));
         const log = logClient(c);
         await eventually(() => log.closes === 1, 'close');
         assert.deepEqual(log.errors, ['TWINSOCK_ERR_SSE_BAD_CONTENT_TYPE']);
       });

  test('EventsNamedErrorOrOpenAreTheServers (default options)', T, async () => {
    // An EventSource delivers a server's "event: error" to "error" listeners as a message
    // event (with data); the connection's own error has none.
    const c = client(url('/reserved-names'));
    const got = [];
    c.addEventListener('error', (e) => { if ('data' in e) got.push(['error', e.data]); });
    c.addEventListener('open', (e) => { if ('data' in e) got.push(['open', e.data]); });
    c.addEventListener('message', (e) => got.push([e.type, e.data]));
    await eventually(() => got.length >= 3, 'three events');
    c.close();
    assert.deepEqual(got.slice(0, 3), [['error', 'from the server'], ['open', 'also'], ['message', 'plain']]);
  });

  test('RedirectIsFollowed (default options)', T, async () => {
    const c = client(url('/redirect'));
    const log = logClient(c);
    await eventually(() => log.messages.length >= 2, 'two events');
    c.close();
    assert.deepEqual(log.messages.slice(0, 2).map((m) => m.data), ['event 1', 'event 2']);
  });
});
