// Lifetimes in the npm package (run with --expose-gc): users never call delete(),
// so a client that has stopped and is dropped must be collected with its wasm
// object, whichever way it stopped, while a live one must not be (it keeps
// delivering, as a browser keeps an open WebSocket). socket.io-client's objects are
// collected in the same stopped states.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';

import { sleep, startServer, twinsock, waitFor } from './support.mjs';

const { io } = twinsock;
const T = { timeout: 20_000 };

// ctest runs this file with --expose-gc; without it (a glob of the suites) it is skipped.
const NEEDS_GC = { skip: typeof globalThis.gc !== 'function' && 'needs node --expose-gc' };

/** A port nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Whether the object that `setup()` resolves with is collected once nothing of the test
 * refers to it (bounded: 40 rounds of gc). `setup` must not leave it in a closure.
 */
async function collectedAfter(setup) {
  let collected = false;
  const registry = new FinalizationRegistry(() => { collected = true; });
  let ref;
  await (async () => {
    const object = await setup();
    registry.register(object, 'object');
    ref = new WeakRef(object);
  })();
  for (let round = 0; round < 40 && !collected; round++) {
    globalThis.gc();
    await sleep(25);
  }
  return { collected, ref };
}

describe('io() lifetimes against sio-server.mjs', NEEDS_GC, () => {
  let server;
  let url;
  before(async () => {
    server = await startServer('sio-server.mjs');
    url = server.url('/');
  });
  after(async () => { await server?.stop(); });

  test('connected, then disconnect(): collected', T, async () => {
    const { collected } = await collectedAfter(async () => {
      const socket = io(url, { forceNew: true });
      await waitFor(socket, 'connect');
      const gone = waitFor(socket, 'disconnect');  // delivered before disconnect() returns
      socket.disconnect();
      await gone;
      return socket;
    });
    assert.ok(collected);
  });

  test('disconnect() while connecting: the Manager says "close" (forced close), then both are collected', T, async () => {
    const closes = [];
    const { collected } = await collectedAfter(async () => {
      const socket = io(url, { forceNew: true });
      socket.io.on('close', (reason) => closes.push(reason));
      socket.disconnect();
      await sleep(50);
      return socket;
    });
    assert.deepEqual(closes, ['forced close']);
    assert.ok(collected);
  });

  test('manager.close() after connecting: collected', T, async () => {
    const { collected } = await collectedAfter(async () => {
      const socket = io(url, { forceNew: true });
      await waitFor(socket, 'connect');
      const gone = waitFor(socket, 'disconnect');  // delivered before close() returns
      socket.io.close();
      await gone;
      return socket;
    });
    assert.ok(collected);
  });

  test('disconnect() while waiting to reconnect: "close" (forced close), then collected', T, async () => {
    const port = await closedPort();
    const closes = [];
    const { collected } = await collectedAfter(async () => {
      const socket = io(`http://127.0.0.1:${port}/`, { forceNew: true, reconnectionDelay: 50, randomizationFactor: 0 });
      socket.io.on('close', (reason) => closes.push(reason));
      await waitFor(socket.io, 'reconnect_attempt');
      socket.disconnect();
      await sleep(50);
      return socket;
    });
    assert.deepEqual(closes, ['forced close']);
    assert.ok(collected);
  });

  test('a failed attempt without reconnection, the socket left as it is: collected', T, async () => {
    const port = await closedPort();
    const { collected } = await collectedAfter(async () => {
      const socket = io(`http://127.0.0.1:${port}/`, { forceNew: true, reconnection: false });
      await waitFor(socket, 'connect_error');
      return socket;
    });
    assert.ok(collected);
  });

  test('connected and dropped without disconnect(): kept alive, still receiving', T, async () => {
    const received = [];
    const { collected, ref } = await collectedAfter(async () => {
      const socket = io(url, { forceNew: true });
      socket.on('message-back', (...args) => received.push(args));  // the server echoes "message"
      await waitFor(socket, 'connect');
      return socket;
    });
    assert.equal(collected, false);
    const socket = ref.deref();
    socket.emit('message', 'still here');
    await waitFor(socket, 'message-back');
    assert.deepEqual(received, [['still here']]);
    socket.disconnect();
  });
});
