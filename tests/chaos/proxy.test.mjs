// The chaos proxy itself: each operation against a tiny echo server, and the CLI protocol.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { within } from '../support/servers.mjs';
import { startChaosProxy } from './proxy.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Echoes every byte; remembers what each connection received, in how many reads, and whether it ended. */
function startEcho() {
  const conns = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const conn = { data: Buffer.alloc(0), reads: 0, ended: false, closed: false };
    conns.push(conn);
    socket.on('data', (d) => {
      conn.data = Buffer.concat([conn.data, d]);
      conn.reads++;
      socket.write(d);
    });
    socket.on('end', () => {
      conn.ended = true;
      socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => (conn.closed = true));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, conns, port: server.address().port })));
}

/** A client of the proxy that collects what it reads and how the connection ended. */
async function client(port) {
  const socket = connect(port, '127.0.0.1');
  const state = { socket, data: Buffer.alloc(0), ended: false, error: null, closed: false };
  socket.on('data', (d) => (state.data = Buffer.concat([state.data, d])));
  socket.on('end', () => (state.ended = true));
  socket.on('error', (e) => (state.error = e));
  socket.on('close', () => (state.closed = true));
  await once(socket, 'connect');
  return state;
}

/** A client whose first byte made the round trip, and the server side of its connection. */
async function connected(proxy, first = 'x') {
  const c = await client(proxy.port);
  c.socket.write(first);
  await eventually(() => c.data.toString() === first, 'the first echo');
  return [c, echo.conns.at(-1)];
}

async function eventually(pred, what, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

let echo;
before(async () => (echo = await startEcho()));
after(() => echo.server.close());

async function withProxy(fn) {
  const proxy = await startChaosProxy({ target: { host: '127.0.0.1', port: echo.port } });
  try {
    await fn(proxy);
  } finally {
    await proxy.close();
  }
}

test('forwards both ways and counts bytes', () => withProxy(async (proxy) => {
  const c = await client(proxy.port);
  c.socket.write('hello');
  await eventually(() => c.data.toString() === 'hello', 'the echo');
  assert.deepEqual(proxy.stats(), { connections: 1, open: 1, bytesUp: 5, bytesDown: 5, cuts: 0, refused: 0 });
  c.socket.end();
  await eventually(() => c.closed, 'an orderly close through the proxy');
  await eventually(() => proxy.stats().open === 0, 'the link to be forgotten');
  assert.equal(proxy.stats().cuts, 0);
}));

test('cut sends FIN to both sides', () => withProxy(async (proxy) => {
  const [c, server] = await connected(proxy);
  proxy.cut();
  await eventually(() => c.ended && server.ended, 'both FINs');
  assert.equal(c.error, null, 'a FIN, not a reset');
  assert.equal(proxy.stats().cuts, 1);
  await eventually(() => proxy.stats().open === 0, 'the cut link to be forgotten');
}));

test('reset sends RST to both sides', () => withProxy(async (proxy) => {
  const [c, server] = await connected(proxy);
  proxy.reset();
  await eventually(() => c.closed && server.closed, 'both sides closed');
  assert.equal(c.error?.code, 'ECONNRESET');
  assert.equal(c.ended, false, 'no FIN before the reset');
  assert.equal(proxy.stats().cuts, 1);
}));

test('stall black-holes both directions without closing; bytes sent meanwhile are lost', () => withProxy(async (proxy) => {
  const [c, server] = await connected(proxy, 'a');
  proxy.stall(true);
  c.socket.write('lost');
  await sleep(200);
  assert.equal(server.data.toString(), 'a', 'nothing reaches the server while stalled');
  assert.equal(c.data.toString(), 'a');
  assert.ok(!c.ended && !c.closed && !server.ended, 'no FIN while stalled');
  proxy.stall(false);
  c.socket.write('b');
  await eventually(() => c.data.toString() === 'ab', 'forwarding to resume');
  assert.equal(server.data.toString(), 'ab');
}));

test('latency delays each chunk and keeps their order under jitter', () => withProxy(async (proxy) => {
  const c = await client(proxy.port);
  proxy.latency(60, 40);
  const started = Date.now();
  const sent = [];
  for (let i = 0; i < 50; i++) {
    sent.push(`${i};`);
    c.socket.write(`${i};`);
    await sleep(1);
  }
  await eventually(() => c.data.toString() === sent.join(''), 'every chunk back in order');
  // Up and down are each delayed by at least 60 - 40 ms.
  assert.ok(Date.now() - started >= 40, `round trip took ${Date.now() - started} ms`);
  proxy.latency(0);
}));

test('split forwards one byte per write', () => withProxy(async (proxy) => {
  const [c] = await connected(proxy, '-');  // once the server reads this connection, it reads every byte as it comes
  proxy.split(true);
  c.socket.write('0123456789');
  await eventually(() => c.data.toString() === '-0123456789', 'the echo');
  assert.equal(echo.conns.at(-1).reads, 11, 'the server read each byte apart');
}));

test('cutAfterBytes down: a new connection gets that many bytes, then a FIN', () => withProxy(async (proxy) => {
  const first = await client(proxy.port);
  proxy.cutAfterBytes(10, 'down');
  const c = await client(proxy.port);
  c.socket.write('x'.repeat(100));
  await eventually(() => c.ended, 'the cut');
  assert.equal(c.data.length, 10);
  assert.equal(proxy.stats().cuts, 1);
  first.socket.write('y'.repeat(100));  // connections opened before are not affected
  await eventually(() => first.data.length === 100, 'the older connection to pass everything');
  proxy.cutAfterBytes(0);
}));

test('cutAfterBytes up: the server gets that many bytes, then a FIN', () => withProxy(async (proxy) => {
  proxy.cutAfterBytes(7, 'up');
  const c = await client(proxy.port);
  c.socket.write('abc');
  await sleep(20);
  c.socket.write('defghijk');
  const server = await eventually(() => echo.conns.at(-1).ended, 'the cut').then(() => echo.conns.at(-1));
  assert.equal(server.data.toString(), 'abcdefg');
  await eventually(() => c.ended, 'the client FIN');
  assert.throws(() => proxy.cutAfterBytes(1, 'sideways'));
}));

test('cutEvery cuts the open connections periodically', () => withProxy(async (proxy) => {
  proxy.cutEvery(50);
  const a = await client(proxy.port);
  await eventually(() => a.ended, 'the first cut');
  const b = await client(proxy.port);
  await eventually(() => b.ended, 'the second cut');
  proxy.cutEvery(0);
  const c = await client(proxy.port);
  await sleep(150);
  assert.ok(!c.ended, 'cutEvery(0) stops cutting');
  assert.ok(proxy.stats().cuts >= 2);
}));

test('failUpgrade cuts a WebSocket upgrade request midway and lets other requests through', () => withProxy(async (proxy) => {
  proxy.failUpgrade(true);
  const upgrade = 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
  const c = await client(proxy.port);
  c.socket.write(upgrade);
  await eventually(() => c.ended, 'the cut');
  const server = echo.conns.at(-1);
  await eventually(() => server.ended, 'the server FIN');
  assert.ok(server.data.length > 0 && server.data.length < upgrade.length, `the server got ${server.data.length} bytes`);
  assert.equal(server.data.toString(), upgrade.slice(0, server.data.length));

  const plain = 'GET /plain HTTP/1.1\r\nHost: x\r\n\r\n';
  const d = await client(proxy.port);
  d.socket.write(plain.slice(0, 10));
  await sleep(10);
  d.socket.write(plain.slice(10));
  await eventually(() => d.data.toString() === plain, 'the plain request to pass');
  assert.ok(!d.ended);
  assert.equal(proxy.stats().cuts, 1);
}));

test('refuse closes new connections at once', () => withProxy(async (proxy) => {
  proxy.refuse(true);
  const before = echo.conns.length;
  const c = await client(proxy.port);
  await eventually(() => c.closed, 'the refusal');
  assert.equal(c.data.length, 0);
  assert.equal(echo.conns.length, before, 'no upstream connection');
  assert.equal(proxy.stats().refused, 1);
  proxy.refuse(false);
  const d = await client(proxy.port);
  d.socket.write('ok');
  await eventually(() => d.data.toString() === 'ok', 'the echo');
}));

test('close ends every connection', async () => {
  const proxy = await startChaosProxy({ target: { host: '127.0.0.1', port: echo.port } });
  const c = await client(proxy.port);
  await proxy.close();
  await eventually(() => c.closed, 'the connection to close');
});

test('CLI: {"port":N}, one JSON answer per command line, exits when stdin closes', async () => {
  const proc = spawn(process.execPath, [join(here, 'proxy.mjs'), '--target', `127.0.0.1:${echo.port}`],
                     { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await within(lines.next(), 3000, 'a line from the proxy')).value);
  const ask = (command) => {
    proc.stdin.write((typeof command === 'string' ? command : JSON.stringify(command)) + '\n');
    return next();
  };
  const { port } = await next();
  assert.ok(port > 0);
  const c = await client(port);
  c.socket.write('ping');
  await eventually(() => c.data.toString() === 'ping', 'the echo');
  for (const command of [
    { cmd: 'latency', ms: 5, jitter: 1 }, { cmd: 'split', on: true }, { cmd: 'split', on: false },
    { cmd: 'stall', on: true }, { cmd: 'stall', on: false }, { cmd: 'cutAfterBytes', bytes: 3, direction: 'up' },
    { cmd: 'cutAfterBytes', bytes: 0 }, { cmd: 'cutEvery', ms: 0 }, { cmd: 'failUpgrade', on: false },
    { cmd: 'refuse', on: false }, { cmd: 'latency', ms: 0 },
  ]) {
    assert.deepEqual(await ask(command), { ok: true }, JSON.stringify(command));
  }
  assert.deepEqual(await ask({ cmd: 'stats' }),
                   { ok: true, connections: 1, open: 1, bytesUp: 4, bytesDown: 4, cuts: 0, refused: 0 });
  assert.deepEqual(await ask({ cmd: 'cut' }), { ok: true });
  await eventually(() => c.ended, 'the cut');
  const d = await client(port);
  assert.deepEqual(await ask({ cmd: 'reset' }), { ok: true });
  await eventually(() => d.closed, 'the reset');
  for (const bad of ['not json', '{"cmd":"explode"}', '{"cmd":"stall"}', '{"cmd":"latency","ms":-1}',
                     '{"cmd":"cutAfterBytes","bytes":1,"direction":"left"}', '[1]']) {
    const answer = await ask(bad);
    assert.equal(answer.ok, false, bad);
    assert.equal(typeof answer.error, 'string');
  }
  const exited = once(proc, 'exit');
  proc.stdin.end();
  const [code] = await within(exited, 3000, 'the proxy to exit');
  assert.equal(code, 0);
});
