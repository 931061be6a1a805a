// The `twinsock` tool under valgrind's memcheck (tests/valgrind/under-valgrind.sh):
// ws, sse and io sessions (and ws and sse over TLS) against the servers of tests/servers, each ending the way
// a user ends it (stdin EOF, --count). Exit code 99 is valgrind's: an invalid read
// or write, a use of uninitialised memory, or a definite/indirect leak at exit.
// The tool is the sanitizer-free build of tests/valgrind/CMakeLists.txt (valgrind
// cannot run an ASan binary). Waits are long: the tool runs ~20x slower here.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { makeCertificates } from '../cli/certs.mjs';
import { messages, ofType, run, runToEnd, show, startServer } from '../cli/support.mjs';

const LIMIT_MS = 60_000;  // one run, valgrind's start included
const WAIT_MS = 30_000;

const servers = {};
let certs;
before(async () => {
  certs = makeCertificates();
  // Pings every 2 s with 5 s to answer: the tool under valgrind is too slow for the usual 300 + 200 ms.
  [servers.ws, servers.sse, servers.sio, servers.tls] = await Promise.all([
    startServer('ws-server.mjs'),
    startServer('sse-server.mjs'),
    startServer('sio-server.mjs', ['--ping-interval', '2000', '--ping-timeout', '5000']),
    startServer('tls-server.mjs', ['--cert', certs.file('server.pem'), '--key', certs.file('server.key')]),
  ]);
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s?.stop()));
  certs?.remove();
});

const wsUrl = (path) => `ws://127.0.0.1:${servers.ws.port}${path}`;
const httpUrl = (server, path) => `http://127.0.0.1:${server.port}${path}`;

/// Asserts a clean exit: `code` (0) from the tool, not 99 from valgrind (whose report is on stderr).
function assertClean(result, code = 0) {
  assert.notEqual(result.code, 99, `valgrind found errors:\n${result.stderr}`);
  assert.equal(result.code, code, show(result));
}

const isEvent = (name) => (e) => e.type === 'event' && e.event === name;

describe('twinsock under valgrind', { concurrency: 2 }, () => {
  test('ws: text and binary echoes over permessage-deflate, then stdin EOF', async () => {
    const text = run(['ws', wsUrl('/deflate'), '--json', '--deflate'], { limitMs: LIMIT_MS });
    await text.waitFor(ofType('open'), WAIT_MS, 'open');
    for (const line of ['hello', 'wörld ✓', 'x'.repeat(5000)]) text.write(line);
    await text.waitFor(() => messages(text).length >= 3, WAIT_MS, 'three echoes');
    text.end();
    const textResult = await text.exit(WAIT_MS);
    assertClean(textResult);
    assert.deepEqual(messages(textResult).map((m) => m.data.length), [5, 7, 5000]);

    const binary = run(['ws', wsUrl('/echo'), '--json', '--binary'], { limitMs: LIMIT_MS });
    await binary.waitFor(ofType('open'), WAIT_MS, 'open');
    binary.write('00ff10');
    binary.write('zz');  // not hex: an error event, the session goes on, and the exit code is 1
    binary.write('cafe');
    await binary.waitFor(() => messages(binary).length >= 2, WAIT_MS, 'two echoes');
    binary.end();
    const binaryResult = await binary.exit(WAIT_MS);
    assertClean(binaryResult, 1);
    assert.deepEqual(messages(binaryResult).map((m) => m.binary), ['00ff10', 'cafe']);
    assert.equal(binaryResult.events.filter(ofType('error')).length, 1, show(binaryResult));
  });

  test('ws: a server that closes with 1012 at once is reconnected to, then stdin EOF', async () => {
    const tool = run(['ws', wsUrl('/close/1012'), '--json'], { limitMs: LIMIT_MS });
    await tool.waitFor(() => tool.events.filter(ofType('reconnecting')).length >= 2, WAIT_MS, 'two reconnections');
    tool.end();
    const result = await tool.exit(WAIT_MS);
    assertClean(result);
    const closes = result.events.filter(ofType('close')).map((c) => c.code);
    assert.deepEqual(closes.slice(0, 2), [1012, 1012], show(result));
  });

  test('sse: cut streams resumed with Last-Event-ID until --count', async () => {
    const result = await runToEnd(['sse', httpUrl(servers.sse, '/drop?n=6'), '--json', '--count', '6'],
      { limitMs: LIMIT_MS, exitMs: LIMIT_MS });
    assertClean(result);
    assert.deepEqual(messages(result).map((m) => m.id), ['1', '2', '3', '4', '5', '6'], show(result));
  });

  test('io: polling upgraded to WebSocket; events with binary, acks, a recovered transport cut', async () => {
    // The server at /recovery/ has connection state recovery: its events end with an offset.
    const tool = run(['io', httpUrl(servers.sio, '/custom'), '--json', '--path', '/recovery/'], { limitMs: LIMIT_MS });
    await tool.waitFor(ofType('connect'), WAIT_MS, 'connect');
    tool.write(JSON.stringify(['message', 'hi', { $binary: '00ff' }]));
    tool.write('ack ' + JSON.stringify(['message-with-ack', 1, { nested: [true, null] }]));
    await tool.waitFor(isEvent('message-back'), WAIT_MS, 'message-back');
    await tool.waitFor(ofType('ack'), WAIT_MS, 'ack');
    tool.write(JSON.stringify(['cut', 2]));  // the server closes the transport; the client recovers
    await tool.waitFor(() => tool.events.filter(isEvent('missed')).length >= 2, WAIT_MS, 'missed events');
    tool.end();
    const result = await tool.exit(WAIT_MS);
    assertClean(result);
    assert.deepEqual(result.events.find(isEvent('message-back')).args.slice(0, 2), ['hi', { $binary: '00ff' }], show(result));
    assert.deepEqual(result.events.find(ofType('ack')).args, [1, { nested: [true, null] }], show(result));
  });

  test('TLS: wss:// echoes and an https:// event stream, verified with --ca', async () => {
    const ca = ['--ca', certs.file('ca.pem')];
    const ws = run(['ws', `wss://localhost:${servers.tls.port}/echo`, '--json', ...ca], { limitMs: LIMIT_MS });
    await ws.waitFor(ofType('open'), WAIT_MS, 'open');
    for (const line of ['over tls', 'y'.repeat(40_000)]) ws.write(line);  // the second spans TLS records
    await ws.waitFor(() => messages(ws).length >= 2, WAIT_MS, 'two echoes');
    ws.end();
    const wsResult = await ws.exit(WAIT_MS);
    assertClean(wsResult);
    assert.deepEqual(messages(wsResult).map((m) => m.data.length), [8, 40_000]);

    const sse = await runToEnd(['sse', `https://127.0.0.1:${servers.tls.port}/events`, '--json', '--count', '3', ...ca],
      { limitMs: LIMIT_MS, exitMs: LIMIT_MS });
    assertClean(sse);
    assert.deepEqual(messages(sse).map((m) => m.id), ['1', '2', '3'], show(sse));
  });

  test('io: WebSocket only, server disconnect ends the session', async () => {
    const tool = run(['io', httpUrl(servers.sio, '/'), '--json', '--transports', 'websocket'], { limitMs: LIMIT_MS });
    await tool.waitFor(ofType('connect'), WAIT_MS, 'connect');
    tool.write(JSON.stringify(['disconnect-me']));
    const result = await tool.exit(WAIT_MS);
    assertClean(result);
    assert.ok(result.events.find(ofType('disconnect')), show(result));
  });
});
