// The npm package against another Socket.IO server implementation: python-socketio
// on aiohttp (tests/servers/python/sio_server.py, Debian's python3-socketio), with
// the JSON and the msgpack parser, over each transport. What a socket.io-client
// user tries first: auth, acks both ways, binary, rooms, a refused namespace,
// the server's disconnect. Every wait is bounded.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startServer, twinsock, waitFor, within } from '../behaviour/support.mjs';

const { io } = twinsock;
const T = { timeout: 20_000 };
const bytes = (v) => [...new Uint8Array(v.buffer ?? v, v.byteOffset ?? 0, v.byteLength)];

/** Connects, runs `body(socket)`, always closes the socket. */
async function withSocket(url, options, body) {
  const socket = io(url, { reconnection: false, ...options });
  try {
    return await body(socket);
  } finally {
    socket.disconnect();
  }
}

for (const parser of ['json', 'msgpack']) {
  describe(`npm package against python-socketio (${parser})`, () => {
    let server;
    before(async () => {
      server = await startServer('python/sio_server.py', ['--parser', parser]);
    });
    after(async () => {
      await server?.stop();
    });
    const options = (extra) => ({ ...(parser === 'msgpack' ? { parser: 'msgpack' } : {}), ...extra });

    for (const transports of [['polling', 'websocket'], ['websocket'], ['polling']]) {
      test(`${transports.join(',')}: auth, acks, binary, call(), catch-all, the server's disconnect`, T, async () => {
        await withSocket(server.url('/'), options({ transports, auth: { user: 'u1' } }), async (socket) => {
          const welcome = waitFor(socket, 'welcome');
          await waitFor(socket, 'connect');
          assert.deepEqual((await welcome)[0], [socket.id, { user: 'u1' }], 'the server saw our sid and auth');

          const echoed = waitFor(socket, 'echo');
          // emitWithAck resolves with the first argument (as socket.io-client); a callback gets them all.
          const acked = new Promise((resolve) => socket.emit('echo', 'é', 2, { k: [1, null, true] }, (...a) => resolve(a)));
          assert.deepEqual(await within(acked, 5000, 'echo ack'), ['é', 2, { k: [1, null, true] }], 'a multi-argument ack');
          assert.deepEqual(await echoed, ['é', 2, { k: [1, null, true] }]);

          const bin = await socket.timeout(5000).emitWithAck('bin', new Uint8Array([0, 255]));
          assert.deepEqual(bytes(bin.got), [0, 255]);
          assert.deepEqual(bytes(bin.more), [1, 2, 3]);

          assert.deepEqual(await socket.timeout(5000).emitWithAck('no-such-handler', 5), ['any', 'no-such-handler']);

          socket.once('question', (q, reply) => reply({ answer: 42, bytes: new Uint8Array([9, 8]) }));
          const answer = waitFor(socket, 'answer');
          socket.emit('ask', { q: 'life' });
          const [reply] = await answer;
          assert.equal(reply.answer, 42, 'the server got our reply to its call()');
          assert.deepEqual(bytes(reply.bytes), [9, 8]);

          if (parser === 'json') {
            // JSON.dumps writes a lone surrogate as "\ud83d"; JSON.parse keeps it, for socket.io-client and us.
            const half = waitFor(socket, 'half');
            socket.emit('half');
            assert.deepEqual(await half, ['a\ud83dz']);
          }

          const gone = waitFor(socket, 'disconnect');
          socket.emit('kick');
          assert.deepEqual(await gone, ['io server disconnect', undefined]);  // no details: not a lost connection
          assert.equal(socket.connected, false);
          assert.equal(socket.active, false, 'no reconnection after the server disconnected us');
        });
      });
    }

    test('/chat: a bad token is refused with message and data; a good one joins the room', T, async () => {
      await withSocket(server.url('/chat'), options({ auth: { token: 'no' } }), async (refused) => {
        const [error] = await waitFor(refused, 'connect_error');
        assert.ok(error instanceof Error);
        assert.equal(error.message, 'bad token');
        assert.deepEqual(error.data, { code: 42 });
        assert.equal(refused.active, false);
      });
      await withSocket(server.url('/chat'), options({ auth: { token: 'ok' } }), async (chat) => {
        assert.deepEqual(await waitFor(chat, 'joined'), ['lobby']);
        const said = waitFor(chat, 'said');
        assert.equal(await within(chat.emitWithAck('say', 'hi'), 5000, 'say ack'), 'ok');
        assert.deepEqual(await said, [{ msg: 'hi' }]);
      });
    });
  });
}
