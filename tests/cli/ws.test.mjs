// `twinsock ws` end to end, through its documented CLI only, against
// tests/servers/ws-server.mjs (one server per file, on port 0).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { assertGaveUpAfterTwoAttempts, assertJsonLines, errors, messages, ofType, run, runToEnd, show, startServer, unusedPort } from './support.mjs';

let server;
const url = (path) => `ws://127.0.0.1:${server.port}${path}`;

before(async () => {
  server = await startServer('ws-server.mjs');
});
after(async () => {
  await server?.stop();
});

describe('twinsock ws: messages', { concurrency: 3 }, () => {
  test('echoes stdin lines as text messages, UTF-8 included, then stdin EOF closes 1000 and exits 0', async () => {
    const lines = ['hello', 'héllo wörld ✓', '日本語のテキスト', 'emoji 🎉🚀', '  spaced  ', '{"json":[1,2]}'];
    const tool = run(['ws', url('/echo'), '--json']);
    await tool.waitFor(ofType('open'), 10_000, 'open');
    for (const line of lines) tool.write(line);
    await tool.waitFor(() => messages(tool).length >= lines.length, 10_000, 'all echoes');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.deepEqual(messages(result).map((m) => m.data), lines);
    assert.equal(result.events[0].type, 'open', show(result));
    const close = result.events.find(ofType('close'));
    assert.ok(close, show(result));
    assert.equal(close.code, 1000);
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0);
  });

  test('human format: each received message is one stdout line, status on stderr', async () => {
    const tool = run(['ws', url('/echo')]);
    tool.write('first line');
    tool.write('zweite Zeile ü');
    await tool.waitForOutput((out) => out.split('\n').length >= 3, 10_000, 'both echoes');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.equal(result.stdout, 'first line\nzweite Zeile ü\n', show(result));
    assert.match(result.stderr, /connected to ws:\/\/127\.0\.0\.1/);
    assert.match(result.stderr, /closed: 1000/);
  });

  /** Sends one line to the echo server at `target` and checks it comes back; the run's result. */
  async function echoOneLine(target, line) {
    const tool = run(['ws', target]);
    tool.write(line);
    await tool.waitForOutput((out) => out.includes('\n'), 10_000, 'the echo');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.equal(result.stdout, `${line}\n`, show(result));
    return result;
  }

  test('a URL without a scheme is ws://, as in wscat', async () => {
    const result = await echoOneLine(`127.0.0.1:${server.port}/echo`, 'no scheme');
    assert.match(result.stderr, /connected to ws:\/\/127\.0\.0\.1:\d+\/echo/);
  });

  test('an http:// URL means ws://, as in browsers', async () => {
    await echoOneLine(url('/echo').replace('ws://', 'http://'), 'over http');
  });

  test('CRLF line endings are stripped before sending', async () => {
    const tool = run(['ws', url('/echo'), '--json']);
    tool.proc.stdin.write('crlf line\r\n');
    await tool.waitFor(ofType('message'), 10_000, 'echo');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['crlf line']);
  });

  test('--binary: hex lines are sent as binary messages and printed back as hex', async () => {
    const tool = run(['ws', url('/echo'), '--json', '--binary']);
    tool.write('48656c6c6f');
    tool.write('00 ff 10');
    tool.write('DEADbeef');
    await tool.waitFor(() => messages(tool).length >= 3, 10_000, 'three binary echoes');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    const got = messages(result);
    assert.deepEqual(got.map((m) => m.binary), ['48656c6c6f', '00ff10', 'deadbeef']);
    for (const m of got) assert.equal(m.data, undefined, 'a binary message has no "data"');
  });

  test('--binary: a bad hex line is an error event, the session goes on, and the exit code is 1', async () => {
    const tool = run(['ws', url('/echo'), '--json', '--binary']);
    tool.write('zz');
    tool.write('abc');  // odd number of digits
    tool.write('0102');
    await tool.waitFor(ofType('message'), 10_000, 'the good line echoed');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    const errs = errors(result);
    assert.equal(errs.length, 2, show(result));
    for (const e of errs) {
      assert.equal(e.code, 'TWINSOCK_ERR_INVALID_ARGUMENT');
      assert.equal(typeof e.message, 'string');
    }
    assert.match(errs[0].message, /zz/);
    assert.deepEqual(messages(result).map((m) => m.binary), ['0102']);
    assert.equal(result.events.find(ofType('close'))?.code, 1000);
  });

  test('a stdin line that is not UTF-8 is refused (not sent as text), the session goes on, exit 1', async () => {
    const tool = run(['ws', url('/echo'), '--json']);
    tool.write(Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    tool.write('still fine');
    await tool.waitFor(ofType('message'), 10_000, 'the good line echoed');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 1, show(result));
    assert.deepEqual(errors(result).map((e) => e.code), ['TWINSOCK_ERR_WS_TEXT_NOT_UTF8'], show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['still fine']);
    assert.equal(result.events.find(ofType('close'))?.code, 1000, 'the server saw no bad frame (it would close 1007)');
  });

  test('binary messages from the server are printed as hex (human format)', async () => {
    const result = await runToEnd(['ws', url('/big/10'), '--count', '1']);
    assert.equal(result.code, 0, show(result));
    assert.equal(result.stdout, '07'.repeat(10) + '\n');
  });

  test('--count N prints exactly N messages then exits 0 (server sends more)', async () => {
    const result = await runToEnd(['ws', url('/count'), '--json', '--count', '3']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.deepEqual(messages(result).map((m) => m.data), ['1', '2', '3']);
  });

  test('Ctrl-C (SIGINT) closes cleanly with 1000, then exits 130; SIGTERM 143', async () => {
    for (const [name, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
      const tool = run(['ws', url('/echo'), '--json']);
      await tool.waitFor(ofType('open'), 10_000, 'open');
      tool.signal(name);
      const result = await tool.exit();
      assert.equal(result.code, code, show(result));
      const close = result.events.find(ofType('close'));
      assert.deepEqual([close?.code, close?.clean], [1000, true], show(result));
    }
  });

  test('Ctrl-C against a server that never answers the close: a notice after a second, a second Ctrl-C quits', async () => {
    // A WebSocket server that completes the handshake, then reads and never replies.
    const deaf = createServer();
    const sockets = [];
    deaf.on('upgrade', (req, socket) => {
      sockets.push(socket);
      const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      socket.on('error', () => {});
      socket.resume();
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
    await new Promise((resolve) => deaf.listen(0, '127.0.0.1', resolve));
    try {
      const tool = run(['ws', `ws://127.0.0.1:${deaf.address().port}/`, '--json']);
      await tool.waitFor(ofType('open'), 10_000, 'open');
      tool.signal('SIGINT');
      const deadline = Date.now() + 5000;
      while (!tool.stderr().includes('Ctrl-C again') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(tool.stderr(), /closing the connection cleanly.*Ctrl-C again/, tool.stderr());
      tool.signal('SIGINT');
      const result = await tool.exit(2000);
      assert.equal(result.signal, 'SIGINT', show(result));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => deaf.close(resolve));
    }
  });

  test('a file piped in is sent whole: lines read before the connection opens wait, none is dropped', async () => {
    // More lines than the offline queue holds (1024), all there before the handshake ends.
    const lines = Array.from({ length: 5000 }, (_, i) => String(i));
    const result = await runToEnd(['ws', url('/echo'), '--json'], { stdin: lines.join('\n') + '\n', exitMs: 30_000 });
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(errors(result), [], show(result));
    assert.deepEqual(messages(result).map((m) => m.data), lines);
  });

  test('with --count, the end of stdin does not end the session: a one-liner gets its reply', async () => {
    // `echo hi | twinsock ws URL --count 1`, as a request/response from a script.
    const result = await runToEnd(['ws', url('/echo'), '--json', '--count', '1'], { stdin: 'hi\n' });
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['hi']);
    const quiet = await runToEnd(['ws', url('/count'), '--json', '--count', '2'], { stdin: '' });  // stdin /dev/null
    assert.equal(quiet.code, 0, show(quiet));
    assert.deepEqual(messages(quiet).map((m) => m.data), ['1', '2']);
  });

  test('--count=N with echoes arriving in a burst still prints exactly N', async () => {
    const tool = run(['ws', url('/echo'), '--json', '--count=2']);
    for (const line of ['a', 'b', 'c', 'd', 'e']) tool.write(line);
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['a', 'b']);
  });

  test('--deflate against a permessage-deflate server: negotiated and messages round-trip', async () => {
    const long = 'compress me '.repeat(500);
    const tool = run(['ws', url('/deflate'), '--json', '--deflate', '-v']);
    tool.write(long);
    tool.write('short ü');
    await tool.waitFor(() => messages(tool).length >= 2, 10_000, 'two echoes');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.deepEqual(messages(result).map((m) => m.data), [long, 'short ü']);
    assert.match(result.stderr, /Sec-WebSocket-Extensions: permessage-deflate/i, 'offered and accepted');
    assert.match(result.stderr, /^< .*Sec-WebSocket-Extensions: permessage-deflate/im, 'the server accepted it');
  });

  test('--deflate against a server without it: plain messages still work', async () => {
    const tool = run(['ws', url('/echo'), '--json', '--deflate', '-v']);
    tool.write('uncompressed');
    await tool.waitFor(ofType('message'), 10_000, 'echo');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['uncompressed']);
    assert.doesNotMatch(result.stderr, /^< .*Sec-WebSocket-Extensions/im);
  });

  test('--max-message: a larger message fails the connection with TWINSOCK_ERR_WS_MESSAGE_TOO_BIG', async () => {
    const result = await runToEnd(['ws', url('/big/2000'), '--json', '--max-message', '1000', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    assert.ok(errors(result).some((e) => e.code === 'TWINSOCK_ERR_WS_MESSAGE_TOO_BIG'), show(result));
    assert.equal(messages(result).length, 0);
  });
});

describe('twinsock ws: handshake', { concurrency: 3 }, () => {
  test('-H / --header headers reach the server', async () => {
    const result = await runToEnd(['ws', url('/headers'), '--json', '--count', '1', '-H', 'X-Test: hello world',
      '--header', 'X-Other:1', '--header=X-Third:   spaced', '--origin', 'http://game.example']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    const [m] = messages(result);
    assert.ok(m, show(result));
    const headers = JSON.parse(m.data);
    assert.equal(headers['x-test'], 'hello world');
    assert.equal(headers['x-other'], '1');
    assert.equal(headers['x-third'], 'spaced');
    assert.equal(headers.origin, 'http://game.example');
    assert.equal(headers.upgrade?.toLowerCase(), 'websocket');
  });

  test('--subprotocol: the server picks the first offered, shown in the open event', async () => {
    const tool = run(['ws', url('/subprotocol'), '--json', '--subprotocol', 'chat', '--subprotocol=superchat']);
    const open = await tool.waitFor(ofType('open'), 10_000, 'open');
    assert.equal(open.protocol, 'chat');
    tool.write('over chat');
    await tool.waitFor(ofType('message'), 10_000, 'echo');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['over chat']);
  });

  test('without --subprotocol the open event has an empty protocol', async () => {
    const tool = run(['ws', url('/echo'), '--json']);
    const open = await tool.waitFor(ofType('open'), 10_000, 'open');
    assert.equal(open.protocol, '');
    tool.end();
    assert.equal((await tool.exit()).code, 0);
  });

  test('-v prints the handshake to stderr, never to stdout', async () => {
    const tool = run(['ws', url('/echo'), '--json', '-v']);
    tool.write('traced');
    await tool.waitFor(ofType('message'), 10_000, 'echo');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);  // the trace did not leak into stdout
    assert.match(result.stderr, /GET \/echo HTTP\/1\.1/);
    assert.match(result.stderr, /Upgrade: websocket/i);
    assert.match(result.stderr, /Sec-WebSocket-Key:/i);
    assert.match(result.stderr, /HTTP\/1\.1 101/);
    assert.match(result.stderr, /Sec-WebSocket-Accept:/i);
    assert.doesNotMatch(result.stdout, /HTTP\/1\.1/);
  });

  test('--verbose in human mode: trace on stderr, stdout has only the messages', async () => {
    const tool = run(['ws', url('/echo'), '--verbose']);
    tool.write('only this');
    await tool.waitForOutput((out) => out.includes('\n'), 10_000, 'the echo');
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
    assert.equal(result.stdout, 'only this\n');
    assert.match(result.stderr, /GET \/echo HTTP\/1\.1/);
  });

  test('a refused upgrade (403) is TWINSOCK_ERR_WS_HANDSHAKE_BAD_STATUS, exit 1', async () => {
    const result = await runToEnd(['ws', url('/reject'), '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    assert.ok(errors(result).some((e) => e.code === 'TWINSOCK_ERR_WS_HANDSHAKE_BAD_STATUS'), show(result));
    assert.equal(result.events.filter(ofType('open')).length, 0);
  });

  test('a refused upgrade in human mode: the stable error id on stderr, exit 1', async () => {
    const result = await runToEnd(['ws', url('/reject'), '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /TWINSOCK_ERR_WS_HANDSHAKE_BAD_STATUS/);
  });

  test('a refused first upgrade (403) is not retried: exit 1 with "giving up", reconnection or not', async () => {
    const result = await runToEnd(['ws', url('/reject'), '--json']);
    assert.equal(result.code, 1, show(result));
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0, show(result));
    assert.match(result.stderr, /giving up: another attempt cannot fix this/, show(result));
  });

  test('a 503 answer may pass (a server restarting): it is retried', async () => {
    const result = await runToEnd(['ws', url('/busy'), '--json', '--reconnect-delay', '10', '--reconnect-attempts', '2']);
    assert.equal(result.code, 1, show(result));
    assert.deepEqual(result.events.filter(ofType('reconnecting')).map((e) => e.attempt), [1, 2], show(result));
    assert.doesNotMatch(result.stderr, /giving up/, show(result));
  });

  test('a redirected upgrade is refused, and the error says where it pointed', async () => {
    const result = await runToEnd(['ws', url('/moved'), '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, /TWINSOCK_ERR_WS_HANDSHAKE_BAD_STATUS\): server answered HTTP 301 Moved Permanently to \/echo \(WebSocket redirects are not followed\)/, show(result));
  });

  test('connection refused with --no-reconnect: TWINSOCK_ERR_CONNECT_REFUSED, exit 1', async () => {
    const port = await unusedPort();
    const result = await runToEnd(['ws', `ws://127.0.0.1:${port}/`, '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    const errs = errors(result);
    assert.ok(errs.length >= 1, show(result));
    assert.equal(errs[0].code, 'TWINSOCK_ERR_CONNECT_REFUSED');
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0);
  });

  test('--reconnect-attempts 2 --reconnect-delay 10: two attempts from about 10 ms, then exit 1', async () => {
    const port = await unusedPort();
    const result = await runToEnd(['ws', `ws://127.0.0.1:${port}/`, '--json', '--reconnect-attempts', '2',
                                   '--reconnect-delay', '10']);
    assertGaveUpAfterTwoAttempts(result);
  });

  test('connection refused and stdin already at EOF: exit 1 (the only attempt failed)', async () => {
    const port = await unusedPort();
    const result = await runToEnd(['ws', `ws://127.0.0.1:${port}/`, '--json'], { stdin: 'never sent\n' });
    assert.equal(result.code, 1, show(result));
    assert.equal(errors(result)[0]?.code, 'TWINSOCK_ERR_CONNECT_REFUSED', show(result));
  });
});

describe('twinsock ws: how it ends', { concurrency: 3 }, () => {
  test('stdin EOF before the connection opens: queued lines are sent, close 1000, exit 0', async () => {
    const result = await runToEnd(['ws', url('/echo'), '--json'], { stdin: 'queued\n' });
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    const close = result.events.find(ofType('close'));
    assert.equal(close?.code, 1000, show(result));
    assert.equal(errors(result).length, 0, show(result));
  });

  test('empty stdin: connects, closes 1000, exits 0', async () => {
    const result = await runToEnd(['ws', url('/echo'), '--json'], { stdin: '' });
    assert.equal(result.code, 0, show(result));
    assert.equal(result.events.find(ofType('close'))?.code, 1000, show(result));
  });

  test('--timeout SEC while connected: closes and exits 0', async () => {
    const started = Date.now();
    const result = await runToEnd(['ws', url('/echo'), '--json', '--timeout', '0.5']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.ok(result.events.some(ofType('open')), show(result));
    assert.ok(Date.now() - started < 12_000);
  });

  test('--timeout while the server cannot be reached (reconnecting): exit 0', async () => {
    const port = await unusedPort();
    const result = await runToEnd(['ws', `ws://127.0.0.1:${port}/`, '--json', '--timeout=1']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.equal(errors(result)[0]?.code, 'TWINSOCK_ERR_CONNECT_REFUSED', show(result));
    assert.ok(result.events.some(ofType('reconnecting')), show(result));
  });

  test('server closes 1000: close event with code and reason, exit 0, no reconnection', async () => {
    const result = await runToEnd(['ws', url('/close/1000'), '--json']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    const close = result.events.find(ofType('close'));
    assert.deepEqual({ code: close?.code, reason: close?.reason, clean: close?.clean }, { code: 1000, reason: 'bye', clean: true });
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0);
  });

  test('server sends 5 messages and closes 1000: all printed, exit 0', async () => {
    const result = await runToEnd(['ws', url('/count'), '--json']);
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['1', '2', '3', '4', '5']);
    assert.equal(result.events.find(ofType('close'))?.reason, 'done');
  });

  test('server closes 4001: exit 1 and no reconnection (4xxx is the application\'s)', async () => {
    const result = await runToEnd(['ws', url('/close/4001'), '--json']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    assert.equal(result.events.find(ofType('close'))?.code, 4001, show(result));
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0, show(result));
    assert.equal(result.events.filter(ofType('open')).length, 1);
  });

  test('server closes 4001 in human mode: "closed: 4001 bye" on stderr, exit 1', async () => {
    const result = await runToEnd(['ws', url('/close/4001')]);
    assert.equal(result.code, 1, show(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /closed: 4001 bye/);
  });

  test('server closes 1011: reconnecting events with attempt and delay_ms until --timeout, exit 0', async () => {
    const result = await runToEnd(['ws', url('/close/1011'), '--json', '--timeout', '2.5']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    const closes = result.events.filter(ofType('close'));
    assert.ok(closes.length >= 1 && closes.every((c) => c.code === 1011), show(result));
    const reconnecting = result.events.filter(ofType('reconnecting'));
    assert.ok(reconnecting.length >= 1, show(result));
    reconnecting.forEach((r, i) => {
      assert.equal(r.attempt, i + 1, 'attempts count up from 1');
      assert.ok(Number.isInteger(r.delay_ms) && r.delay_ms > 0, `delay_ms ${r.delay_ms}`);
    });
    assert.ok(result.events.filter(ofType('open')).length >= 2 || reconnecting.length === 1, show(result));
  });

  test('server closes 1011 with --no-reconnect: exit 1, no reconnecting event', async () => {
    const result = await runToEnd(['ws', url('/close/1011'), '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assert.equal(result.events.find(ofType('close'))?.code, 1011);
    assert.equal(result.events.filter(ofType('reconnecting')).length, 0);
  });

  test('human format reconnecting status on stderr', async () => {
    const result = await runToEnd(['ws', url('/close/1011'), '--timeout', '1.5']);
    assert.equal(result.code, 0, show(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /reconnecting in \d+ ms \(attempt 1\)/);
  });
});

describe('twinsock ws: keepalive', { concurrency: 2 }, () => {
  test('server pings are answered: /ping echoes the pong payload back', async () => {
    const result = await runToEnd(['ws', url('/ping'), '--json', '--count', '1']);
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['pong:hello']);
  });

  test('--ping-interval sends pings; the pongs show in the -v trace', async () => {
    const result = await runToEnd(['ws', url('/echo'), '--json', '--ping-interval', '0.2', '--timeout', '1', '-v']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.match(result.stderr, /pong/i, show(result));
    assert.equal(errors(result).length, 0, show(result));
  });
});

describe('twinsock ws: regressions', () => {
  test('--count N prints exactly N messages even when stdin ended before the connection opened', async () => {
    const result = await runToEnd(['ws', url('/count'), '--json', '--count', '2'], { stdin: '' });
    assert.equal(result.code, 0, show(result));
    assert.ok(messages(result).length <= 2, `printed ${messages(result).length} messages with --count 2\n${show(result)}`);
  });

  test('an option name is matched whole: --subprotocols is an unknown option', async () => {
    const result = await runToEnd(['ws', url('/subprotocol'), '--subprotocols', 'chat', '--json'], { stdin: '' });
    assert.equal(result.code, 2, show(result));
    assert.match(result.stderr, /unknown option --subprotocols/);
  });
});
