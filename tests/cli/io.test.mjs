// `twinsock io` end to end, through its documented CLI only, against
// tests/servers/sio-server.mjs (Socket.IO 4.8, connectionStateRecovery on).
// One shared server per file; tests that kill or restart a server, or need
// --msgpack, start their own.
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { assertJsonLines, errors, getJson, ofType, run, runToEnd, show, startServer, unusedPort } from './support.mjs';

let server;
const url = (path = '/', port = server.port) => `http://127.0.0.1:${port}${path}`;

before(async () => {
  server = await startServer('sio-server.mjs');
});
after(async () => {
  await server?.stop();
});

const events = (result, name) => result.events.filter((e) => e.type === 'event' && e.event === name);
const isEvent = (name) => (e) => e.type === 'event' && e.event === name;

/// Runs the tool until `connect`, does `body(tool)`, then ends stdin and returns the result.
async function session(args, body = async () => {}) {
  const tool = run(['io', ...args, '--json']);
  await tool.waitFor(ofType('connect'), 10_000, 'connect');
  await body(tool);
  tool.end();
  const result = await tool.exit();
  assertJsonLines(result);
  return result;
}

/// Emits `["message", ...args]` and waits for the matching "message-back".
async function echo(tool, args) {
  const back = await tool.exchange(JSON.stringify(['message', ...args]), isEvent('message-back'), 'message-back');
  assert.deepEqual(back.args, args);
}

/// `ack [...]` and wait for the next ack line.
async function ack(tool, array) {
  return tool.exchange('ack ' + JSON.stringify(array), ofType('ack'), `ack of ${JSON.stringify(array)}`);
}

describe('twinsock io: connecting', { concurrency: 3 }, () => {
  test('--json: a connect line with id and recovered, then the welcome event; stdin EOF exits 0', async () => {
    const result = await session([url('/')], async (tool) => {
      await tool.waitFor(isEvent('welcome'), 10_000, 'welcome');
    });
    assert.equal(result.code, 0, show(result));
    const connect = result.events[0];
    assert.equal(connect.type, 'connect', show(result));
    assert.deepEqual(Object.keys(connect), ['type', 'id', 'recovered']);
    assert.equal(typeof connect.id, 'string');
    assert.ok(connect.id.length > 0);
    assert.equal(connect.recovered, false);
    const welcome = events(result, 'welcome');
    assert.equal(welcome.length, 1, show(result));
    assert.deepEqual(welcome[0].args, [connect.id], 'the server greets with the socket id');
    assert.equal(result.events.filter(ofType('reconnect_attempt')).length, 0);
    assert.equal(errors(result).length, 0, show(result));
  });

  test('the URL path is the namespace (/custom)', async () => {
    let nsp;
    const result = await session([url('/custom')], async (tool) => {
      nsp = await ack(tool, ['nsp']);
      await echo(tool, ['in custom']);
    });
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(nsp.args, ['/custom']);
  });

  test('a URL without a scheme is http://', async () => {
    const result = await session([`127.0.0.1:${server.port}/custom`], async (tool) => {
      assert.deepEqual((await ack(tool, ['nsp'])).args, ['/custom']);
    });
    assert.equal(result.code, 0, show(result));
  });

  test('/admin without a token: a connect_error line with message and data, exit 1', async () => {
    const result = await runToEnd(['io', url('/admin'), '--json']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    const e = result.events.find(ofType('connect_error'));
    assert.ok(e, show(result));
    assert.equal(e.message, 'Not authorized');
    assert.deepEqual(e.data, { reason: 'bad token' });
    assert.equal(result.events.filter(ofType('connect')).length, 0);
  });

  test('--auth {"token":"secret"} gets into /admin and reaches the server', async () => {
    let auth;
    const result = await session([url('/admin'), '--auth', '{"token":"secret"}'], async (tool) => {
      auth = await ack(tool, ['auth']);
    });
    assert.equal(result.code, 0, show(result));
    assert.equal(result.events.filter(ofType('connect_error')).length, 0, show(result));
    assert.equal(auth.args.length, 1, show(result));
    assert.equal(auth.args[0].token, 'secret');
  });

  for (const transport of ['polling', 'websocket']) {
    test(`--transports ${transport}: the session stays on ${transport}`, async () => {
      let used;
      const result = await session([url('/'), '--transports', transport], async (tool) => {
        await echo(tool, ['over ' + transport, 1]);
        await new Promise((resolve) => setTimeout(resolve, 500));  // an upgrade would have happened by now
        used = await ack(tool, ['transport']);
      });
      assert.equal(result.code, 0, show(result));
      assert.deepEqual(used.args, [transport]);
    });
  }

  test('default transports: polling, then the upgrade to websocket', async () => {
    const result = await session([url('/')], async (tool) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const used = await ack(tool, ['transport']);
        if (used.args[0] === 'websocket') break;
        assert.ok(Date.now() < deadline, 'no upgrade within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await echo(tool, ['after the upgrade']);
    });
    assert.equal(result.code, 0, show(result));
  });

  test('--query k=v (repeatable) reaches the server handshake', async () => {
    let query;
    const result = await session([url('/'), '--query', 'room=blue', '--query', 'who=me too'], async (tool) => {
      query = await ack(tool, ['query']);
    });
    assert.equal(result.code, 0, show(result));
    assert.equal(query.args[0].room, 'blue', show(result));
    assert.equal(query.args[0].who, 'me too', show(result));
    assert.equal(query.args[0].EIO, '4');
  });

  test('-H adds a header to the requests (accepted by the server)', async () => {
    const result = await session([url('/'), '-H', 'X-Test: 1'], async (tool) => echo(tool, ['with header']));
    assert.equal(result.code, 0, show(result));
  });

  test('nothing listening: --reconnect-attempts 2 makes two attempts, then exits 1', async () => {
    const port = await unusedPort();
    const result = await runToEnd(['io', url('/', port), '--json', '--reconnect-attempts', '2',
                                   '--reconnect-delay', '10']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    assert.deepEqual(result.events.filter(ofType('reconnect_attempt')).map((e) => e.attempt), [1, 2], show(result));
    assert.equal(result.events.filter(ofType('connect_error')).length, 3, show(result));
  });

  test('Ctrl-C (SIGINT) disconnects the namespace (the server sees a client disconnect), then exits 130', async () => {
    const tool = run(['io', url('/custom'), '--json']);
    const connect = await tool.waitFor(ofType('connect'), 10_000, 'connect');
    tool.signal('SIGINT');
    const result = await tool.exit();
    assert.equal(result.code, 130, show(result));
    const watcher = run(['io', url('/'), '--json']);
    await watcher.waitFor(ofType('connect'), 10_000, 'connect');
    const answer = await ack(watcher, ['disconnect-reasons']);
    watcher.end();
    await watcher.exit();
    const mine = answer.args[0].find((r) => r.id === connect.id);
    assert.equal(mine?.reason, 'client namespace disconnect', JSON.stringify(answer.args[0]));
  });

  test('nothing listening and stdin already ended (cron, </dev/null): exit 1 after the failure, as ws does', async () => {
    const port = await unusedPort();
    const result = await runToEnd(['io', url('/', port), '--json'], { stdin: '' });
    assert.equal(result.code, 1, show(result));
    assert.ok(result.events.find(ofType('connect_error')), show(result));
  });

  test('nothing listening: --no-reconnect exits 1 with a connect_error line', async () => {
    const port = await unusedPort();
    const result = await runToEnd(['io', url('/', port), '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    assert.ok(result.events.find(ofType('connect_error')), show(result));
  });
});

describe('twinsock io: a server that is not Socket.IO', () => {
  let other;
  before(async () => {
    other = await startServer('sse-server.mjs');  // answers /html/ with a page and the rest with 404
  });
  after(async () => {
    await other?.stop();
  });
  const failure = async (args) => {
    const result = await runToEnd(['io', `http://127.0.0.1:${other.port}/`, ...args, '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    const e = result.events.find(ofType('connect_error'));
    assert.ok(e, show(result));
    return e;
  };

  test('an HTML page: connect_error "parse error" quotes what answered', async () => {
    const e = await failure(['--path', '/html']);
    assert.equal(e.message, 'parse error');
    assert.equal(e.detail, 'polling response is not Engine.IO: "<p>not a stream</p>"');
  });

  test('HTTP 404, polling and websocket: connect_error names the status', async () => {
    assert.equal((await failure([])).detail, 'HTTP 404');
    const ws = await failure(['--transports', 'websocket']);
    assert.equal(ws.message, 'transport error');
    assert.match(ws.detail, /HTTP 404/);
  });

  test('a first handshake refused with 404 is not retried: exit 1 with "giving up", reconnection or not', async () => {
    for (const transports of ['polling', 'websocket']) {
      const result = await runToEnd(['io', `http://127.0.0.1:${other.port}/`, '--transports', transports, '--json']);
      assert.equal(result.code, 1, show(result));
      assert.equal(result.events.filter(ofType('reconnect_attempt')).length, 0, show(result));
      assert.match(result.stderr, /giving up: another attempt cannot fix this/, show(result));
    }
  });
});

describe('twinsock io: a server whose first packets are not Socket.IO', () => {
  // The Engine.IO handshake succeeds; the message beside it is no Socket.IO packet.
  let server;
  before(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' });
      if (req.method === 'GET' && !new URL(req.url, 'http://x').searchParams.has('sid'))
        res.end('0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}\x1e4{"early":1}');
      else res.end('ok');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(() => server?.close());

  test('the parse error that closed it is printed, and --no-reconnect exits 1', async () => {
    const result = await runToEnd(['io', `http://127.0.0.1:${server.address().port}/`, '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    // The connection closed before / answered: that attempt's connect_error says why.
    const e = result.events.find(ofType('connect_error'));
    assert.ok(e, show(result));
    assert.match(e.code, /^TWINSOCK_ERR_SIO_/);
    assert.equal(e.message, 'parse error');
    assert.ok(e.detail.length > 0, show(result));
    assert.equal(result.events.filter((x) => x.type === 'connect_error' || x.type === 'error').length, 1, show(result));
  });
});

describe('twinsock io: a WebSocket upgrade that fails', () => {
  // A proxy that passes the Socket.IO server's HTTP through and drops every WebSocket
  // request: the session stays on long-polling, and says so without -v.
  let proxy;
  before(async () => {
    proxy = createServer((req, res) => {
      const upstream = request({ host: '127.0.0.1', port: server.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    proxy.on('upgrade', (req, socket) => socket.destroy());
    await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  after(() => {
    proxy?.closeAllConnections();
    proxy?.close();
  });

  test('a note on stderr, and the session goes on over polling', async () => {
    const result = await session([url('/', proxy.address().port)], async (tool) => {
      const deadline = Date.now() + 10_000;
      while (!tool.stderr().includes('upgrade failed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await echo(tool, ['still here']);
    });
    assert.match(result.stderr, /note: the WebSocket upgrade failed \(.+\); staying on HTTP long-polling/, show(result));
  });
});

describe('twinsock io: events and acks', { concurrency: 3 }, () => {
  test('stdin JSON arrays are emitted; message-back is printed as an event line', async () => {
    const result = await session([url('/')], async (tool) => {
      await echo(tool, [1, 'two', { three: 3 }, [4, null], true, 2.5]);
      await echo(tool, ['héllo ✓ 日本語']);
      await echo(tool, []);
    });
    assert.equal(result.code, 0, show(result));
    const back = events(result, 'message-back');
    assert.equal(back.length, 3);
    assert.deepEqual(Object.keys(back[0]), ['type', 'event', 'args']);
  });

  test('with --count, the end of stdin does not end the session: the events still come', async () => {
    // `echo '["message","x"]' | twinsock io URL --count 2`: welcome, then message-back.
    const result = await runToEnd(['io', url('/'), '--json', '--count', '2'], { stdin: '["message","x"]\n' });
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(result.events.filter(ofType('event')).map((e) => e.event), ['welcome', 'message-back']);
    assert.deepEqual(events(result, 'message-back')[0].args, ['x']);
  });

  test('event arguments keep the connection-state-recovery offset, as socket.io-client does', async () => {
    // The server's offset ends every event it stores, but not volatile ones: nothing is taken away.
    const result = await session([url('/'), '--path', '/recovery/'], async (tool) => {
      tool.write('["volatile",1,"two"]');
      await tool.waitFor(isEvent('volatile-back'), 10_000, 'volatile-back');
      tool.write('["message",1,2]');
      await tool.waitFor(isEvent('message-back'), 10_000, 'message-back');
    });
    assert.deepEqual(events(result, 'volatile-back')[0].args, [1, 'two']);
    const back = events(result, 'message-back')[0].args;
    assert.deepEqual(back.slice(0, 2), [1, 2]);
    assert.equal(typeof back[2], 'string', 'the offset');
    const connect = result.events.find(ofType('connect'));
    assert.equal(events(result, 'welcome')[0].args[0], connect.id);
  });

  test('`ack [...]` prints the server acknowledgement', async () => {
    let first, second;
    const result = await session([url('/')], async (tool) => {
      first = await ack(tool, ['message-with-ack', 1, 'x', { y: [true] }]);
      second = await ack(tool, ['message-with-ack']);
    });
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(first, { type: 'ack', id: 1, args: [1, 'x', { y: [true] }] });
    assert.deepEqual(second, { type: 'ack', id: 2, args: [] });
  });

  test('--ack-timeout: an event the server never acknowledges prints {"type":"ack","error":"timeout"}, exit 1', async () => {
    let timedOut, answered;
    const result = await session([url('/'), '--ack-timeout', '300'], async (tool) => {
      timedOut = await ack(tool, ['nobody-listens', 1]);
      answered = await ack(tool, ['message-with-ack', 'fine']);
    });
    assert.equal(result.code, 1, `the failed ack shows in the exit code\n${show(result)}`);
    assert.deepEqual(timedOut, { type: 'ack', id: 1, error: 'timeout' });
    assert.deepEqual(answered, { type: 'ack', id: 2, args: ['fine'] });
  });

  test('binary as {"$binary":"<hex>"} both ways, nested anywhere', async () => {
    const args = [{ $binary: '00ff10' }, { file: { $binary: 'deadbeef' }, list: [{ $binary: '' }, 'x', [{ $binary: '80' }]] }];
    let acked;
    const result = await session([url('/')], async (tool) => {
      await echo(tool, args);
      acked = await ack(tool, ['message-with-ack', ...args]);
    });
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(acked.args, args);
  });

  test('the server asks a question with an ack: the event line is printed', async () => {
    const result = await session([url('/')], async (tool) => {
      tool.write('["ask","what?"]');
      await tool.waitFor(isEvent('question'), 10_000, 'question');
    });
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(events(result, 'question')[0].args, ['what?']);
  });

  test('--reply answers the server\'s question; without it the question stays unanswered', async () => {
    const replied = await session([url('/'), '--reply', '["yes", {"$binary": "0a0b"}]'], async (tool) => {
      tool.write('["ask","what?"]');
      await tool.waitFor(isEvent('answer'), 10_000, 'answer');
    });
    assert.equal(replied.code, 0, show(replied));
    assert.deepEqual(events(replied, 'answer')[0].args, ['yes'], 'the server passes on the first argument');
    const single = await session([url('/'), '--reply', '"one value"'], async (tool) => {
      tool.write('["ask","what?"]');
      await tool.waitFor(isEvent('answer'), 10_000, 'answer');
    });
    assert.deepEqual(events(single, 'answer')[0].args, ['one value']);
    const silent = await session([url('/')], async (tool) => {
      tool.write('["ask","what?"]');
      await tool.waitFor(isEvent('question'), 10_000, 'question');
      await echo(tool, ['after the question']);
    });
    assert.equal(events(silent, 'answer').length, 0, show(silent));
    const bad = await runToEnd(['io', url('/'), '--reply', '{not json']);
    assert.equal(bad.code, 2, show(bad));
    assert.match(bad.stderr, /--reply/);
  });

  test('stdin already at its end: the connect line still carries the id, then exit 0', async () => {
    const tool = run(['io', url('/'), '--json']);
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    const connect = result.events.find(ofType('connect'));
    assert.ok(connect?.id?.length > 0, show(result));
  });

  test('a bad stdin line is an error line, the session goes on, and the exit code is 1', async () => {
    const result = await session([url('/')], async (tool) => {
      tool.write('not json');
      tool.write('{"not":"an array"}');
      tool.write('[1, "event name must be a string"]');
      tool.write('["message", {"$binary": "zz"}]');
      tool.write('[]');
      await echo(tool, ['still fine']);
    });
    assert.equal(result.code, 1, show(result));
    const messages = errors(result).map((e) => e.message);
    assert.deepEqual(messages.map((m) => m.split(': ')[0]), [
      'stdin line is not JSON',
      'stdin line must be a JSON array ["event", arg...]',
      'stdin line must be a JSON array ["event", arg...]',
      'a {"$binary":"<hex>"} value holds no valid hex',
      'stdin line must be a JSON array ["event", arg...]',
    ], show(result));
  });

  test('a reserved event name is refused with an error line', async () => {
    const result = await session([url('/')], async (tool) => {
      tool.write('["disconnect"]');
      await tool.waitFor(ofType('error'), 10_000, 'error line');
      await echo(tool, ['after']);
    });
    assert.equal(result.code, 1, show(result));
  });

  test('stdin EOF waits for pending acks before exiting', async () => {
    const tool = run(['io', url('/'), '--json']);
    await tool.waitFor(ofType('connect'), 10_000, 'connect');
    tool.write('ack ["message-with-ack", "last"]');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(result.events.find(ofType('ack')), { type: 'ack', id: 1, args: ['last'] });
  });

  test('lines written before the connection completes are emitted after it', async () => {
    const tool = run(['io', url('/'), '--json']);
    tool.write('["message","early"]');
    tool.write('ack ["message-with-ack","early ack"]');
    await tool.waitFor(isEvent('message-back'), 10_000, 'message-back');
    await tool.waitFor(ofType('ack'), 10_000, 'ack');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(events(result, 'message-back')[0].args, ['early']);
    assert.deepEqual(result.events.find(ofType('ack')).args, ['early ack']);
  });

  test('--count N exits 0 after N received events', async () => {
    const tool = run(['io', url('/'), '--json', '--count', '3']);
    await tool.waitFor(ofType('connect'), 10_000, 'connect');
    tool.write('["burst", 10]');
    const result = await tool.exit();  // stdin stays open: --count ends it
    assert.equal(result.code, 0, show(result));
    assert.equal(result.events.filter(ofType('event')).length, 3, show(result));
  });

  test('--timeout SEC exits 0 with stdin still open', async () => {
    const started = Date.now();
    const result = await runToEnd(['io', url('/'), '--json', '--timeout', '1']);
    assert.equal(result.code, 0, show(result));
    assert.ok(result.events.find(ofType('connect')), show(result));
    assert.ok(Date.now() - started < 10_000);
  });

  test('human format: events on stdout, status on stderr', async () => {
    const tool = run(['io', url('/')]);
    tool.write('["message","plain"]');
    await tool.waitForOutput((out) => out.includes('message-back'), 10_000, 'message-back');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^welcome \[/m);
    assert.match(result.stdout, /^message-back \["plain"/m);
    assert.match(result.stderr, /connected to \/ as /);
  });
});

describe('twinsock io: leaving', { concurrency: 2 }, () => {
  /// What the server recorded as the disconnect reason of socket `id` (asked over another connection).
  async function serverSideReason(id) {
    const deadline = Date.now() + 5000;
    for (;;) {
      let reasons;
      await session([url('/'), '--transports', 'websocket'], async (tool) => {
        reasons = (await ack(tool, ['disconnect-reasons'])).args[0];
      });
      const mine = reasons.find((r) => r.id === id);
      if (mine || Date.now() > deadline) return mine?.reason;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  for (const transport of ['websocket', 'polling']) {
    test(`stdin EOF over ${transport}: the server sees "client namespace disconnect"`, async () => {
      let id;
      const result = await session([url('/'), '--transports', transport], async (tool) => {
        id = tool.events.find(ofType('connect')).id;
      });
      assert.equal(result.code, 0, show(result));
      assert.equal(await serverSideReason(id), 'client namespace disconnect');
    });
  }

  test('--retries: an ack line is answered and stdin EOF then exits promptly', async () => {
    const tool = run(['io', url('/'), '--json', '--retries', '2', '--ack-timeout', '500']);
    await tool.waitFor(ofType('connect'), 10_000, 'connect');
    tool.write('ack ["message-with-ack", "r"]');
    await tool.waitFor(ofType('ack'), 10_000, 'ack');
    tool.end();
    const result = await tool.exit(5000);  // nothing is pending: it has no reason to linger
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(result.events.find(ofType('ack')), { type: 'ack', id: 1, args: ['r'] });
  });

  test('--retries: an unanswered ack line fails after the resends', async () => {
    const tool = run(['io', url('/'), '--json', '--retries', '2', '--ack-timeout', '200']);
    await tool.waitFor(ofType('connect'), 10_000, 'connect');
    tool.write('ack ["nobody-listens"]');
    const failed = await tool.waitFor(ofType('ack'), 10_000, 'ack');
    tool.kill();
    await tool.exit();
    assert.deepEqual(failed, { type: 'ack', id: 1, error: 'timeout' });
  });
});

describe('twinsock io: msgpack', () => {
  test('--parser msgpack against a --msgpack server: events, acks and binary', async () => {
    const own = await startServer('sio-server.mjs', ['--msgpack']);
    try {
      const args = ['text', 1, -2, 3.25, true, null, { blob: { $binary: '0001ff' }, list: [{ $binary: '09' }] }];
      let acked;
      const result = await session([url('/custom', own.port), '--parser', 'msgpack'], async (tool) => {
        await echo(tool, args);
        acked = await ack(tool, ['message-with-ack', ...args]);
      });
      assert.equal(result.code, 0, show(result));
      assert.deepEqual(acked.args, args);
      const admin = await runToEnd(['io', url('/admin', own.port), '--json', '--parser', 'msgpack']);
      assert.equal(admin.code, 1, show(admin));
      const e = admin.events.find(ofType('connect_error'));
      assert.ok(e, show(admin));
      assert.equal(e.message, 'Not authorized');
      assert.deepEqual(e.data, { reason: 'bad token' });
    } finally {
      await own.stop();
    }
  });
});

describe('twinsock io: disconnects and reconnection', { concurrency: 3 }, () => {
  test('disconnect-me: {"type":"disconnect","reason":"io server disconnect"} and exit 0', async () => {
    const tool = run(['io', url('/'), '--json']);
    await tool.waitFor(ofType('connect'), 10_000, 'connect');
    tool.write('["disconnect-me"]');
    const result = await tool.exit();  // stdin still open: the server's disconnect ends it
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.deepEqual(result.events.find(ofType('disconnect')), { type: 'disconnect', reason: 'io server disconnect' });
    assert.equal(result.events.filter(ofType('reconnect_attempt')).length, 0);
  });

  /// Kills a server of its own under `twinsock io --no-reconnect` and returns the result.
  async function killedUnderNoReconnect() {
    const own = await startServer('sio-server.mjs');
    try {
      const tool = run(['io', url('/', own.port), '--json', '--no-reconnect']);
      await tool.waitFor(ofType('connect'), 10_000, 'connect');
      own.proc.kill('SIGKILL');
      const result = await tool.exit();
      assertJsonLines(result);
      return result;
    } finally {
      await own.stop();
    }
  }

  test('server killed with --no-reconnect: exit 1, no reconnection', async () => {
    const result = await killedUnderNoReconnect();
    assert.equal(result.code, 1, show(result));
    assert.equal(result.events.filter(ofType('reconnect_attempt')).length, 0);
  });

  test('server killed with --no-reconnect: a disconnect line is printed first', async () => {
    const result = await killedUnderNoReconnect();
    const d = result.events.find(ofType('disconnect'));
    assert.ok(d, show(result));
    assert.ok(['transport close', 'transport error'].includes(d.reason), d.reason);
    assert.match(d.code, /^TWINSOCK_ERR_/, 'a lost connection says why');
    assert.ok(d.detail.length > 0, show(result));
  });

  test('lines piped in while the server is not up yet all go out, past the send buffer (flow control)', async () => {
    // 15,000 emits wait for a connection; the socket's send buffer holds 10,000: the rest wait
    // in the tool, with stdin paused, instead of failing with QUEUE_FULL.
    const port = await unusedPort();
    const lines = Array.from({ length: 15_000 }, (_, i) => JSON.stringify(['message', i])).join('\n') + '\n';
    const tool = run(['io', url('/', port), '--json'], { stdin: lines, limitMs: 40_000 });
    await tool.waitFor(ofType('reconnect_attempt'), 10_000, 'a first reconnection attempt');
    const server = await startServer('load-server.mjs', ['--port', String(port)]);
    try {
      const result = await tool.exit(30_000);
      assert.equal(result.code, 0, show(result));
      assert.deepEqual(errors(result), [], show(result));
      let received = 0;  // the server may still be reading the last ones
      for (let i = 0; i < 100 && received < 15_000; i++) {
        received = (await getJson(server.port, '/stats')).messages;
        if (received < 15_000) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(received, 15_000);
    } finally {
      await server.stop();
    }
  });

  test('server restarted on the same port: reconnect_attempt lines, then a second connect', async () => {
    let own = await startServer('sio-server.mjs');
    const port = own.port;
    const tool = run(['io', url('/', port), '--json', '--transports', 'websocket']);
    try {
      await tool.waitFor(ofType('connect'), 10_000, 'connect');
      own.proc.kill('SIGKILL');
      await own.stop();
      await tool.waitFor(ofType('disconnect'), 10_000, 'disconnect');
      await tool.waitFor(ofType('reconnect_attempt'), 10_000, 'reconnect_attempt');
      own = await startServer('sio-server.mjs', ['--port', String(port)]);
      await tool.waitFor(() => tool.events.filter(ofType('connect')).length === 2, 15_000, 'second connect');
      await echo(tool, ['after restart']);
      tool.end();
      const result = await tool.exit();
      assert.equal(result.code, 0, show(result));
      assertJsonLines(result);
      const attempts = result.events.filter(ofType('reconnect_attempt'));
      assert.ok(attempts.length >= 1);
      assert.deepEqual(attempts.map((a) => a.attempt), attempts.map((_, i) => i + 1), 'attempts count 1, 2, ...');
      assert.equal(result.events.filter(ofType('disconnect')).length, 1, show(result));
      const connects = result.events.filter(ofType('connect'));
      assert.notEqual(connects[1].id, connects[0].id);
      assert.equal(connects[1].recovered, false);
    } finally {
      tool.kill();
      await own.stop();
    }
  });

  test('a server-side transport cut is recovered: same id, recovered true, missed events once', async () => {
    const tool = run(['io', url('/'), '--json', '--transports', 'websocket', '--path', '/recovery/']);
    await tool.waitFor(isEvent('welcome'), 10_000, 'welcome');
    tool.write('["cut", 3]');
    await tool.waitFor(() => tool.events.filter(ofType('connect')).length === 2, 15_000, 'reconnected');
    await tool.waitFor(() => events({ events: tool.events }, 'missed').length >= 3, 10_000, 'missed events');
    const back = await tool.exchange('["message","after recovery"]', isEvent('message-back'), 'message-back');
    assert.equal(back.args[0], 'after recovery');  // then the offset
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    const connects = result.events.filter(ofType('connect'));
    assert.equal(connects[1].recovered, true, show(result));
    assert.equal(connects[1].id, connects[0].id);
    assert.deepEqual(events(result, 'missed').map((e) => e.args[0]), [0, 1, 2], show(result));
  });
});

describe('twinsock io: usage', { concurrency: 4 }, () => {
  const usageCases = [
    ['no URL', ['io']],
    ['an unknown option', ['io', 'http://127.0.0.1:1/', '--bogus']],
    ['a second URL', ['io', 'http://127.0.0.1:1/', 'http://127.0.0.1:2/']],
    ['--auth not an object', ['io', 'http://127.0.0.1:1/', '--auth', '[1]']],
    ['--auth not JSON', ['io', 'http://127.0.0.1:1/', '--auth', '{nope']],
    ['--parser unknown', ['io', 'http://127.0.0.1:1/', '--parser', 'xml']],
    ['--transports unknown', ['io', 'http://127.0.0.1:1/', '--transports', 'polling,carrier-pigeon']],
    ['--query without =', ['io', 'http://127.0.0.1:1/', '--query', 'novalue']],
    ['--ack-timeout not a number', ['io', 'http://127.0.0.1:1/', '--ack-timeout', 'soon']],
    ['--retries not a number', ['io', 'http://127.0.0.1:1/', '--retries', '-1']],
    ['--count not a number', ['io', 'http://127.0.0.1:1/', '--count', 'x']],
    ['a missing option value', ['io', 'http://127.0.0.1:1/', '--auth']],
    ['a bad URL', ['io', 'not a url']],
  ];
  for (const [what, args] of usageCases) {
    test(`${what}: exit 2 with the usage on stderr`, async () => {
      const result = await runToEnd(args, { stdin: '' });
      assert.equal(result.code, 2, show(result));
      assert.match(result.stderr, /usage: twinsock io URL/, show(result));
      assert.equal(result.stdout, '');
    });
  }

  test('--help prints the usage and exits 0', async () => {
    const result = await runToEnd(['io', '--help'], { stdin: '' });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /usage: twinsock io URL/);
    assert.match(result.stdout, /--ack-timeout MS/);
  });
});
