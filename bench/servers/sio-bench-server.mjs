// The Socket.IO 4.8 server of `npm run bench` (bench/run.mjs), with socket.io's
// default settings (pingInterval 25000, pingTimeout 20000, maxHttpBufferSize 1e6).
// Usage: node sio-bench-server.mjs [--port N]; prints {"port":N} when listening on 127.0.0.1.
// Events (namespace "/"):
//   "echo" ...args, ack   -> acks with the same args
//   "msg" ...             -> counted per socket (no answer)
//   "count" ack           -> acks with how many "msg" this socket sent
//   "burst" n, size       -> emits "b" with a string of `size` bytes (default 16) n times,
//                            1000 per event-loop turn, then "burst-done" n
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const port = Number(args[args.lastIndexOf('--port') + 1] || 0) || 0;

const http = createServer();
const io = new Server(http, { cors: { origin: '*' } });

io.on('connection', (socket) => {
  let count = 0;
  socket.on('echo', (...a) => {
    const ack = a.pop();
    if (typeof ack === 'function') ack(...a);
  });
  socket.on('msg', () => { count++; });
  socket.on('count', (ack) => typeof ack === 'function' && ack(count));
  socket.on('burst', (n, size) => {
    const text = 'x'.repeat(Number(size) || 16);
    let i = 0;
    const step = () => {
      if (!socket.connected) return;
      const end = Math.min(n, i + 1000);
      for (; i < end; i++) socket.emit('b', text);
      if (i < n) setImmediate(step);
      else socket.emit('burst-done', n);
    };
    step();
  });
});

// A deep accept queue: the 1,000 / 10,000 connection scenario connects all at once.
http.listen({ port, host: '127.0.0.1', backlog: 65535 }, () =>
  console.log(JSON.stringify({ port: http.address().port })));
process.on('SIGTERM', () => process.exit(0));
