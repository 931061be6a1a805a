// A small Socket.IO 4.8 server for load runs (`twinsock bench`): default ping settings
// (pingInterval 25 s, pingTimeout 20 s), so thousands of idle clients cost little.
// Usage: node load-server.mjs [--port N] [--host H] [--transports polling|websocket]
// (the last --port wins, so a helper's "--port 0" can be overridden).
// Prints {"port":N} when listening. Needs one descriptor per client: raise its limit
// for big runs (`ulimit -n 20000` in the shell, or `prlimit --nofile=20000 node ...`).
//
// Events (namespace "/"):
//   "message" ...args           -> counted; emits "message-back" with the same args when the
//                                  client connected with the query echo=1; acks with the same
//                                  args when the client asked for an ack, after the query's
//                                  ack_delay milliseconds (default 0)
//   "message-with-ack" ...args  -> acks with the same args
// GET /stats -> {"connected":N,"connections":N,"messages":N,"acks":N} (current sockets, sockets
// ever connected, events received, acks sent).
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const port = Number(args[args.lastIndexOf('--port') + 1] || 0) || 0;
const hostAt = args.lastIndexOf('--host');
const host = hostAt >= 0 ? args[hostAt + 1] : '127.0.0.1';
const transportsAt = args.indexOf('--transports');

const stats = { connected: 0, connections: 0, messages: 0, acks: 0 };

const httpServer = createServer((req, res) => {
  if (req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  if (!res.headersSent) {
    res.writeHead(404);
    res.end();
  }
});
const options = { cors: { origin: '*' } };
if (transportsAt >= 0) options.transports = args[transportsAt + 1].split(',');
const io = new Server(httpServer, options);

io.on('connection', (socket) => {
  stats.connected++;
  stats.connections++;
  const echo = socket.handshake.query.echo === '1';
  const ackDelayMs = Number(socket.handshake.query.ack_delay) || 0;
  socket.on('message', (...a) => {
    stats.messages++;
    const ack = typeof a[a.length - 1] === 'function' ? a.pop() : null;
    if (echo) socket.emit('message-back', ...a);
    if (ack) {
      stats.acks++;
      if (ackDelayMs) setTimeout(() => ack(...a), ackDelayMs);
      else ack(...a);
    }
  });
  socket.on('message-with-ack', (...a) => {
    stats.messages++;
    const ack = typeof a[a.length - 1] === 'function' ? a.pop() : null;
    if (ack) {
      stats.acks++;
      ack(...a);
    }
  });
  socket.on('disconnect', () => stats.connected--);
});

const stop = () => {
  io.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

httpServer.listen(port, host, 1024, () => console.log(JSON.stringify({ port: httpServer.address().port })));
