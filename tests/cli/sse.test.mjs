// `twinsock sse` end to end, through its documented CLI only, against
// tests/servers/sse-server.mjs. Stateless paths share one server per file; the
// tests that read the server's request log start their own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertGaveUpAfterTwoAttempts, assertJsonLines, errors, getJson, messages, ofType, runToEnd, show, startServer, unusedPort } from './support.mjs';

let server;
const url = (path) => `http://127.0.0.1:${server.port}${path}`;

before(async () => {
  server = await startServer('sse-server.mjs');
});
after(async () => {
  await server?.stop();
});

/// A server of its own (for its /log), stopped when `body` ends.
async function withOwnServer(body) {
  const own = await startServer('sse-server.mjs');
  try {
    return await body(own, (path) => `http://127.0.0.1:${own.port}${path}`);
  } finally {
    await own.stop();
  }
}

describe('twinsock sse: events', { concurrency: 3 }, () => {
  test('--json: id, event and data of each event; stream end under --no-reconnect exits 0', async () => {
    const result = await runToEnd(['sse', url('/events?n=3'), '--json', '--no-reconnect']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.deepEqual(messages(result), [1, 2, 3].map((i) => ({ type: 'message', event: 'message', id: String(i), data: `event ${i}` })));
    assert.deepEqual(result.events.map((e) => e.type), ['open', 'message', 'message', 'message', 'close']);
    assert.equal(errors(result).length, 0);
  });

  test('a URL without a scheme is http://', async () => {
    const result = await runToEnd(['sse', url('/events?n=1').replace('http://', ''), '--json', '--no-reconnect']);
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['event 1']);
  });

  test('--json: named event, multi-line data, comments ignored', async () => {
    const result = await runToEnd(['sse', url('/named'), '--json', '--no-reconnect']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    const got = messages(result);
    assert.equal(got.length, 2, show(result));
    assert.deepEqual(got[0], { type: 'message', event: 'tick', id: '3', data: 'a\nb' });
    assert.equal(got[1].event, 'message');
    assert.equal(got[1].data, 'plain');
    assert.equal(got[1].id, '3', 'the last event ID carries over (WHATWG: lastEventId)');
  });

  test('human format: the stream\'s own event:/id:/data: lines, a blank line after each event', async () => {
    const result = await runToEnd(['sse', url('/named'), '--no-reconnect']);
    assert.equal(result.code, 0, show(result));
    const blocks = result.stdout.split('\n\n');
    assert.equal(blocks.pop(), '', 'the output ends with a blank line');
    assert.equal(blocks.length, 2, show(result));
    assert.equal(blocks[0], 'event: tick\nid: 3\ndata: a\ndata: b');
    assert.match(blocks[1], /^(id: 3\n)?data: plain$/);
    assert.doesNotMatch(result.stdout, /hello/, 'comments are not printed');
    assert.match(result.stderr, /connected to http:\/\/127\.0\.0\.1/);
    assert.match(result.stderr, /stream closed/);
  });

  test('human format for plain events: id and data lines only', async () => {
    const result = await runToEnd(['sse', url('/events?n=2'), '--no-reconnect']);
    assert.equal(result.code, 0, show(result));
    assert.equal(result.stdout, 'id: 1\ndata: event 1\n\nid: 2\ndata: event 2\n\n');
  });

  test('--count N prints exactly N events and exits 0', async () => {
    const result = await runToEnd(['sse', url('/events?n=5'), '--json', '--count', '2']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.deepEqual(messages(result).map((m) => m.id), ['1', '2']);
  });

  test('--count=N in human format', async () => {
    const result = await runToEnd(['sse', url('/events?n=5'), '--count=1']);
    assert.equal(result.code, 0, show(result));
    assert.equal(result.stdout, 'id: 1\ndata: event 1\n\n');
  });

  test('--last-event-id is sent as Last-Event-ID', async () => {
    const result = await runToEnd(['sse', url('/echo'), '--json', '--count', '1', '--last-event-id', '42']);
    assert.equal(result.code, 0, show(result));
    const info = JSON.parse(messages(result)[0].data);
    assert.equal(info.method, 'GET');
    assert.equal(info.lastEventId, '42');
  });

  test('--last-event-id resumes a stream after that id', async () => {
    const result = await runToEnd(['sse', url('/events?n=5'), '--json', '--no-reconnect', '--last-event-id=3']);
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.id), ['4', '5']);
  });

  test('without --last-event-id no Last-Event-ID header is sent', async () => {
    const result = await runToEnd(['sse', url('/echo'), '--json', '--count', '1']);
    assert.equal(result.code, 0, show(result));
    assert.equal(JSON.parse(messages(result)[0].data).lastEventId, null);
  });

  test('--data implies POST and is sent as the body', async () => {
    const result = await runToEnd(['sse', url('/echo'), '--json', '--count', '1', '--data', 'hello body ü']);
    assert.equal(result.code, 0, show(result));
    const info = JSON.parse(messages(result)[0].data);
    assert.equal(info.method, 'POST');
    assert.equal(info.body, 'hello body ü');
  });

  test('--method with --data keeps the given method', async () => {
    const result = await runToEnd(['sse', url('/echo'), '--json', '--count', '1', '--method', 'PUT', '--data=x=1']);
    assert.equal(result.code, 0, show(result));
    const info = JSON.parse(messages(result)[0].data);
    assert.equal(info.method, 'PUT');
    assert.equal(info.body, 'x=1');
  });

  test('-H headers reach the server', async () => {
    const result = await runToEnd(['sse', url('/echo'), '--json', '--count', '1', '-H', 'Authorization: Bearer t0k3n']);
    assert.equal(result.code, 0, show(result));
    assert.equal(JSON.parse(messages(result)[0].data).auth, 'Bearer t0k3n');
  });

  test('credentials in the URL are Basic authentication; the status line hides the password', async () => {
    const withUser = url('/echo').replace('http://', 'http://us%20er:pa%3Ass@');
    const result = await runToEnd(['sse', withUser, '--count', '1']);
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, new RegExp(`"auth":"Basic ${Buffer.from('us er:pa:ss').toString('base64')}"`), show(result));
    assert.match(result.stderr, /connected to http:\/\/us%20er:\*\*\*@127\.0\.0\.1/, show(result));
    assert.doesNotMatch(result.stderr, /pa%3Ass/, show(result));
  });

  test('a redirect to another origin drops Authorization; one to the same origin keeps it', async () => {
    const redirect = (target) => url(`/redirect-to?url=${encodeURIComponent(target)}`);
    const auth = async (target) => {
      const result = await runToEnd(['sse', redirect(target), '--json', '--count', '1', '-H', 'Authorization: Bearer t0k3n']);
      assert.equal(result.code, 0, show(result));
      return JSON.parse(messages(result)[0].data).auth;
    };
    assert.equal(await auth('/echo'), 'Bearer t0k3n');
    assert.equal(await auth(`http://localhost:${server.port}/echo`), null);
  });

  test('a redirect is followed', async () => {
    const result = await runToEnd(['sse', url('/redirect'), '--json', '--count', '2']);
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['event 1', 'event 2']);
  });

  test('-v: the request and response heads on stderr, stdout stays JSON', async () => {
    const result = await runToEnd(['sse', url('/events?n=1'), '--json', '--no-reconnect', '-v']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.match(result.stderr, /GET \/events\?n=1 HTTP\/1\.1/);
    assert.match(result.stderr, /Accept: text\/event-stream/i);
    assert.match(result.stderr, /HTTP\/1\.1 200/);
    assert.doesNotMatch(result.stdout, /HTTP\/1\.1/);
  });

  test('--timeout on a silent stream exits 0', async () => {
    const result = await runToEnd(['sse', url('/silent'), '--json', '--timeout', '0.5']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.ok(result.events.some(ofType('open')), show(result));
    assert.equal(messages(result).length, 0);
  });
});

describe('twinsock sse: resume and failures', { concurrency: 3 }, () => {
  test('resumes after drops with Last-Event-ID: no loss, no duplicates (/drop?n=6 --count 6)', async () => {
    await withOwnServer(async (own, ownUrl) => {
      const result = await runToEnd(['sse', ownUrl('/drop?n=6'), '--json', '--count', '6']);
      assert.equal(result.code, 0, show(result));
      assertJsonLines(result);
      assert.deepEqual(messages(result).map((m) => m.id), ['1', '2', '3', '4', '5', '6']);
      assert.deepEqual(messages(result).map((m) => m.data), [1, 2, 3, 4, 5, 6].map((i) => `event ${i}`));
      assert.ok(!result.stdout.includes('never dispatched'), 'a cut event is never dispatched');
      const reconnecting = result.events.filter(ofType('reconnecting'));
      assert.ok(reconnecting.length >= 2, show(result));
      for (const r of reconnecting) assert.ok(Number.isInteger(r.attempt) && r.attempt >= 1 && r.delay_ms > 0, JSON.stringify(r));
      const log = (await getJson(own.port, '/log')).filter((r) => r.path === '/drop');
      assert.deepEqual(log.map((r) => r.lastEventId).slice(0, 3), [null, '2', '4']);
    });
  });

  test('after a clean end it reconnects with the last id and prints nothing twice', async () => {
    await withOwnServer(async (own, ownUrl) => {
      const result = await runToEnd(['sse', ownUrl('/events?n=2'), '--json', '--timeout', '1.2']);
      assert.equal(result.code, 0, show(result));
      assert.deepEqual(messages(result).map((m) => m.id), ['1', '2']);
      assert.ok(result.events.some(ofType('reconnecting')), show(result));
      const log = (await getJson(own.port, '/log')).filter((r) => r.path === '/events');
      assert.ok(log.length >= 2, JSON.stringify(log));
      assert.equal(log[0].lastEventId, null);
      assert.equal(log[1].lastEventId, '2');
    });
  });

  test('a dropped stream under --no-reconnect is a failure: error event, exit 1', async () => {
    const result = await runToEnd(['sse', url('/drop?n=6'), '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    assert.deepEqual(messages(result).map((m) => m.id), ['1', '2']);
    assert.equal(errors(result).length, 1, show(result));
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0);
  });

  test('404: error event with the status, exit 1, no reconnection', async () => {
    const result = await runToEnd(['sse', url('/status/404'), '--json']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    const [e] = errors(result);
    assert.equal(e?.code, 'TWINSOCK_ERR_HTTP_STATUS', show(result));
    assert.equal(e.status, 404);
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0);
    assert.equal(messages(result).length, 0);
  });

  test('404 in human format: the stable error id on stderr, exit 1', async () => {
    const result = await runToEnd(['sse', url('/status/404')]);
    assert.equal(result.code, 1, show(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /TWINSOCK_ERR_HTTP_STATUS/);
    assert.match(result.stderr, /404/);
  });

  test('503 with --no-reconnect: error with the status, exit 1', async () => {
    const result = await runToEnd(['sse', url('/status/503'), '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assert.equal(errors(result)[0]?.status, 503, show(result));
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0);
  });

  test('503 is retried (reconnecting events) until --timeout, exit 0', async () => {
    const result = await runToEnd(['sse', url('/status/503'), '--json', '--timeout', '1.5']);
    assert.equal(result.code, 0, show(result));
    assert.equal(errors(result)[0]?.status, 503, show(result));
    assert.ok(result.events.some(ofType('reconnecting')), show(result));
  });

  test('204: the server says stop, exit 0 with no error', async () => {
    const result = await runToEnd(['sse', url('/status/204'), '--json']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.equal(errors(result).length, 0, show(result));
    assert.equal(messages(result).length, 0);
    assert.ok(result.events.some(ofType('close')));
  });

  test('text/html: TWINSOCK_ERR_SSE_BAD_CONTENT_TYPE, exit 1', async () => {
    const result = await runToEnd(['sse', url('/html'), '--json']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    const [e] = errors(result);
    assert.equal(e?.code, 'TWINSOCK_ERR_SSE_BAD_CONTENT_TYPE', show(result));
    assert.match(e.message, /text\/html/);
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0);
  });

  test('connection refused with --no-reconnect: TWINSOCK_ERR_CONNECT_REFUSED, exit 1', async () => {
    const port = await unusedPort();
    const result = await runToEnd(['sse', `http://127.0.0.1:${port}/events`, '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    assert.equal(errors(result)[0]?.code, 'TWINSOCK_ERR_CONNECT_REFUSED', show(result));
  });

  test('--reconnect-attempts 2 --reconnect-delay 10: two attempts from about 10 ms, then exit 1', async () => {
    const port = await unusedPort();
    const result = await runToEnd(['sse', `http://127.0.0.1:${port}/events`, '--json', '--reconnect-attempts', '2',
                                   '--reconnect-delay', '10']);
    assertGaveUpAfterTwoAttempts(result);
  });

  test('--max-message: an event over the limit fails for good', async () => {
    const result = await runToEnd(['sse', url('/events?n=1'), '--json', '--max-message', '3']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    assert.equal(errors(result)[0]?.code, 'TWINSOCK_ERR_SSE_EVENT_TOO_LARGE', show(result));
    assert.equal(messages(result).length, 0);
  });
});

describe('twinsock sse: regressions', () => {
  test('an option name is matched whole: --data-binary is an unknown option', async () => {
    const result = await runToEnd(['sse', url('/echo'), '--data-binary', 'x', '--json', '--count', '1']);
    assert.equal(result.code, 2, show(result));
    assert.match(result.stderr, /unknown option --data-binary/);
  });
});
