// The Socket.IO 4.8 server of the chaos tests (tests/chaos natively, tests/js/chaos in WASM), reached through
// the fault-injecting proxy. Same settings as sio-server.mjs (pingInterval 300,
// pingTimeout 200, connection state recovery on) plus what the chaos scenarios count.
// Usage: node chaos-sio-server.mjs [--port N]; prints {"port":N} when listening.
//
// Events (namespace "/"):
//   "seq" id, ack            -> logs id (every delivery, duplicates included), acks with id
//   "seq-log" ack            -> acks with the log of "seq" ids, in arrival order
//   "ticks" {count, every}   -> emits "tick" i (i in 0..count-1), one every `every` ms, to the
//                               socket's id, whether it is connected or not (connection state
//                               recovery replays what it missed), then "ticks-done" count
//   "message-with-ack" ...   -> acks with the same args
//   "burst" n                -> emits "burst-item" i for i in 0..n-1, then "burst-done" n
//   "transport" ack          -> acks with the Engine.IO transport's name
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const port = Number(args[args.lastIndexOf('--port') + 1] || 0) || 0;

const httpServer = createServer();
// --ping-interval / --ping-timeout override the short heartbeat (a test whose every byte crawls needs more).
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const io = new Server(httpServer, {
  pingInterval: flag('--ping-interval', 300),
  pingTimeout: flag('--ping-timeout', 200),
  connectTimeout: 1000,
  maxHttpBufferSize: 1e8,
  connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true },
});

const seqLog = [];
const reply = (fn, ...values) => typeof fn === 'function' && fn(...values);

io.on('connection', (socket) => {
  socket.on('seq', (id, ack) => {
    seqLog.push(id);
    reply(ack, id);
  });
  socket.on('seq-log', (ack) => reply(ack, seqLog));
  socket.on('ticks', ({ count, every }) => {
    const to = io.to(socket.id);  // the id survives a recovered reconnection; the socket object does not
    let i = 0;
    const timer = setInterval(() => {
      if (i < count) return to.emit('tick', i++);
      clearInterval(timer);
      to.emit('ticks-done', count);
    }, every);
  });
  socket.on('message-with-ack', (...a) => {
    const ack = a.pop();
    reply(ack, ...a);
  });
  socket.on('burst', (n) => {
    for (let i = 0; i < n; i++) socket.emit('burst-item', i);
    socket.emit('burst-done', n);
  });
  socket.on('transport', (ack) => reply(ack, socket.conn.transport.name));
});

httpServer.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ port: httpServer.address().port })));
