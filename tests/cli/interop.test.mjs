// The `twinsock` tool against servers that are not the Node reference ones:
// python-socketio on aiohttp (JSON and msgpack parsers) and Python's strict
// `websockets` server (tests/servers/python, from Debian's packages). The
// scenarios are those a user of another stack tries first.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertJsonLines, errors, ofType, run, runToEnd, show, startServer } from './support.mjs';

const isEvent = (name) => (e) => e.type === 'event' && e.event === name;
const hex = (s) => ({ $binary: s });

/// The scenarios every Socket.IO transport and parser must pass with python-socketio.
async function pythonSession(server, extra, { surrogates = true, linger = 0 } = {}) {
  const tool = run(['io', `http://127.0.0.1:${server.port}/`, '--auth', '{"user":"u1"}',
                    '--reply', '["yes",{"$binary":"0908"}]', '--json', ...extra]);
  const connect = await tool.waitFor(ofType('connect'), 10_000, 'connect');
  const welcome = await tool.waitFor(isEvent('welcome'), 10_000, 'welcome');
  assert.deepEqual(welcome.args, [[connect.id, { user: 'u1' }]], 'the server saw our sid and auth');

  const echoed = await tool.exchange('ack ["echo","é",2,{"k":[1,null,true]}]', ofType('ack'), 'echo ack');
  assert.deepEqual(echoed.args, ['é', 2, { k: [1, null, true] }]);
  assert.deepEqual(tool.events.find(isEvent('echo')).args, ['é', 2, { k: [1, null, true] }]);

  const binary = await tool.exchange('ack ["bin",{"$binary":"00ff"}]', ofType('ack'), 'bin ack');
  assert.deepEqual(binary.args, [{ got: hex('00ff'), more: hex('010203') }]);

  const any = await tool.exchange('ack ["no-such-handler",5]', ofType('ack'), 'catch-all ack');
  assert.deepEqual(any.args, [['any', 'no-such-handler']]);

  const answer = await tool.exchange('["ask",{"q":"life"}]', isEvent('answer'), 'answer');
  assert.deepEqual(tool.events.find(isEvent('question')).args, [{ q: 'life' }]);
  assert.deepEqual(answer.args, ['yes', hex('0908')], 'the server got our --reply to its call()');

  if (surrogates) {
    // JSON.dumps writes a lone surrogate as "\ud83d": read as U+FFFD, the session goes on.
    const half = await tool.exchange('["half"]', isEvent('half'), 'half');
    assert.deepEqual(half.args, ['a\ufffdz']);
  }
  if (linger) {
    // Past the first ping (at 1 s) and its 3 s timeout: the server closes a session whose pongs stop.
    await new Promise((resolve) => setTimeout(resolve, linger));
    const again = await tool.exchange('ack ["echo","still here"]', ofType('ack'), 'echo after the pings');
    assert.deepEqual(again.args, ['still here']);
  }

  tool.write('["kick"]');
  const result = await tool.exit();
  assertJsonLines(result);
  assert.equal(result.code, 0, show(result));
  assert.deepEqual(result.events.filter(ofType('disconnect')).map((e) => e.reason), ['io server disconnect'], show(result));
  assert.equal(errors(result).length, 0, show(result));
  assert.equal(result.events.filter(ofType('reconnect_attempt')).length, 0, show(result));
}

describe('twinsock io against python-socketio (JSON parser)', { concurrency: 3 }, () => {
  let server;
  before(async () => {
    server = await startServer('python/sio_server.py');
  });
  after(async () => {
    await server?.stop();
  });

  test('polling upgraded to websocket: auth, acks, binary, call(), catch-all, surrogates, pings, kick', async () => {
    await pythonSession(server, [], { linger: 5000 });
  });

  test('websocket only', async () => {
    await pythonSession(server, ['--transports', 'websocket']);
  });

  test('polling only, past the ping interval', async () => {
    await pythonSession(server, ['--transports', 'polling'], { linger: 5000 });
  });

  test('/chat refuses a bad token: connect_error with the message and data, exit 1', async () => {
    const result = await runToEnd(['io', `http://127.0.0.1:${server.port}/chat`, '--auth', '{"token":"no"}', '--json']);
    assert.equal(result.code, 1, show(result));
    const refused = result.events.filter(ofType('connect_error'));
    assert.equal(refused.length, 1, show(result));
    assert.equal(refused[0].message, 'bad token');
    assert.deepEqual(refused[0].data, { code: 42 });
  });

  test('/chat with a good token: joined, a room broadcast and its ack', async () => {
    const tool = run(['io', `http://127.0.0.1:${server.port}/chat`, '--auth', '{"token":"ok"}', '--json']);
    await tool.waitFor(ofType('connect'), 10_000, 'connect');
    assert.deepEqual((await tool.waitFor(isEvent('joined'), 10_000, 'joined')).args, ['lobby']);
    const ack = await tool.exchange('ack ["say","hi"]', ofType('ack'), 'say ack');
    assert.deepEqual(ack.args, ['ok']);
    assert.deepEqual((await tool.waitFor(isEvent('said'), 10_000, 'said')).args, [{ msg: 'hi' }]);
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
  });
});

describe('twinsock io against python-socketio (msgpack parser)', { concurrency: 2 }, () => {
  let server;
  before(async () => {
    server = await startServer('python/sio_server.py', ['--parser', 'msgpack']);
  });
  after(async () => {
    await server?.stop();
  });

  // Python's msgpack cannot encode a lone surrogate, so the server cannot send "half".
  test('websocket only', async () => {
    await pythonSession(server, ['--parser', 'msgpack', '--transports', 'websocket'], { surrogates: false });
  });

  test('polling upgraded to websocket, past the ping interval', async () => {
    await pythonSession(server, ['--parser', 'msgpack'], { surrogates: false, linger: 5000 });
  });
});

describe('twinsock ws against Python websockets (strict RFC 6455)', { concurrency: 3 }, () => {
  let plain;
  let deflate;
  before(async () => {
    plain = await startServer('python/ws_server.py');
    deflate = await startServer('python/ws_server.py', ['--deflate']);
  });
  after(async () => {
    await plain?.stop();
    await deflate?.stop();
  });

  const data = (result) => result.events.filter(ofType('message')).map((e) => e.data);

  test('text echo, path and query, a 200,000-byte message, then its close code 4001', async () => {
    const tool = run(['ws', `ws://127.0.0.1:${plain.port}/room/1?x=y`, '--json', '--no-reconnect']);
    await tool.waitFor(ofType('open'), 10_000, 'open');
    assert.equal((await tool.exchange('hello?', ofType('message'), 'hello')).data, 'subprotocol none, path /room/1?x=y');
    assert.equal((await tool.exchange('héllo 👋', ofType('message'), 'echo')).data, 'héllo 👋');
    assert.equal((await tool.exchange('big', ofType('message'), 'big')).data, 'x'.repeat(200_000));
    tool.write('close');
    const result = await tool.exit();
    assertJsonLines(result);
    const closes = result.events.filter(ofType('close'));
    assert.equal(closes.length, 1, show(result));
    assert.equal(closes[0].code, 4001);
    assert.equal(closes[0].reason, 'bye now');
    assert.equal(result.code, 1, 'a close other than 1000 with no reconnection left: exit 1');
  });

  test('--subprotocol: the one the server picks is reported', async () => {
    const tool = run(['ws', `ws://127.0.0.1:${plain.port}/`, '--subprotocol', 'other', '--subprotocol', 'chat.v1', '--json']);
    const open = await tool.waitFor(ofType('open'), 10_000, 'open');
    assert.equal(open.protocol, 'chat.v1');
    assert.match((await tool.exchange('hello?', ofType('message'), 'hello')).data, /^subprotocol chat\.v1,/);
    tool.end();
    assert.equal((await tool.exit()).code, 0);
  });

  /// Sends each line, waits for its echo; ends stdin and returns the result.
  async function echoAll(args, lines) {
    const tool = run(['ws', ...args, '--json']);
    await tool.waitFor(ofType('open'), 10_000, 'open');
    for (const line of lines) await tool.exchange(line, ofType('message'), `echo of ${line.slice(0, 20)}`);
    tool.end();
    const result = await tool.exit();
    assertJsonLines(result);
    assert.equal(result.code, 0, show(result));
    return result;
  }

  test('--binary: binary messages echo as binary', async () => {
    const result = await echoAll([`ws://127.0.0.1:${plain.port}/`, '--binary'], ['00ff10', 'ab'.repeat(70_000)]);
    // --json prints a binary message as {"type":"message","binary":"<hex>"}.
    assert.deepEqual(result.events.filter(ofType('message')), [
      { type: 'message', binary: '00ff10' },
      { type: 'message', binary: 'ab'.repeat(70_000) },
    ]);
  });

  test('--deflate: compressed messages both ways', async () => {
    const long = 'compressible '.repeat(5000);
    const result = await echoAll([`ws://127.0.0.1:${deflate.port}/`, '--deflate'], [long, 'héllo', 'big']);
    assert.deepEqual(data(result), [long, 'héllo', 'x'.repeat(200_000)]);
  });
});
