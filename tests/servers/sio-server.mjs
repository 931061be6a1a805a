// The Socket.IO 4.8 reference server for the integration tests, configured as the
// socket.io-protocol test suite says (pingInterval 300, pingTimeout 200,
// connectTimeout 1000) plus what our client tests need.
// Usage: node sio-server.mjs [--port N] [--msgpack] [--transports polling|websocket]
// [--ping-interval MS] [--ping-timeout MS] (the last --port wins, so a helper's "--port 0" can be overridden).
// Prints {"port":N} when listening.
//
// Namespaces: "/" and "/custom" (open), "/admin" (auth middleware: needs auth.token === "secret",
// else connect_error "Not authorized" with data {"reason":"bad token"}).
// Events (every namespace):
//   "message" ...args        -> emits "message-back" with the same args
//   "message-with-ack" ...   -> acks with the same args
//   "ask" text               -> the server emits "question" with an ack, then "answer" with the client's reply
//   "burst" n                -> emits "burst-item" i for i in 0..n-1, then "burst-done" n
//   "count"                  -> acks with how many "message" events this socket sent
//   "disconnect-me"          -> the server disconnects the socket ("io server disconnect")
//   "auth"                   -> acks with the handshake's auth payload
//   "recovered"              -> acks with socket.recovered
//   "query"                  -> acks with the handshake's query (socket.handshake.query)
//   "headers"                -> acks with the handshake's request headers (socket.handshake.headers)
//   "cut" n                  -> closes the Engine.IO connection (socket.conn.close(), a recoverable
//                               "forced close"); once the socket is disconnected the server emits
//                               "missed" i for i in 0..n-1 to its id (stored for connection state recovery)
//   "nsp"                    -> acks with the namespace's name
//   "transport"              -> acks with the Engine.IO transport's name ("polling" or "websocket")
//   "disconnect-reasons"     -> acks with [{nsp, id, reason}] of every socket that disconnected so far
//   "shout" ...args          -> emits "message-back" with args to every socket of the namespace
//   "volatile" ...args       -> emits "volatile-back" with the same args, volatile
// On connect the server emits "welcome" with the socket id.
// Connection state recovery is on for a second server on the same port, at the
// Engine.IO path "/recovery/" (namespaces "/" and "/custom"): it appends an offset
// to every event it stores, which the other tests need not see.
// Namespace "/never": its middleware never calls next(), so a CONNECT is never answered.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const port = Number(args[args.lastIndexOf('--port') + 1] || 0) || 0;
const transportsAt = args.indexOf('--transports');
const options = {
  pingInterval: 300,
  pingTimeout: 200,
  connectTimeout: 1000,
  maxHttpBufferSize: 1e8,
  cors: { origin: '*' },
};
if (transportsAt >= 0) options.transports = args[transportsAt + 1].split(',');
for (const [flag, key] of [['--ping-interval', 'pingInterval'], ['--ping-timeout', 'pingTimeout']]) {
  if (args.includes(flag)) options[key] = Number(args[args.indexOf(flag) + 1]);
}
// --cookie: the handshake sets a sticky-session cookie, as a load balancer would;
// "cookies" acks the Cookie header of every HTTP request seen since.
if (args.includes('--cookie')) options.cookie = { name: 'lb', path: '/', httpOnly: true };
if (args.includes('--msgpack')) options.parser = (await import('socket.io-msgpack-parser')).default;

const httpServer = createServer();
const io = new Server(httpServer, options);
const recovering = new Server(httpServer, {
  ...options, path: '/recovery/', connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true },
});
const cookieLog = [];
const websocketCookieLog = [];  // of the WebSocket handshakes only
io.engine.on('headers', (headers, req) => {
  cookieLog.push(req.headers.cookie ?? null);
  if (req.headers.upgrade) websocketCookieLog.push(req.headers.cookie ?? null);
});
// With --cookie the handshake also sets cookies that test the client's jar: "path"
// (Path=/socket.io) goes back with every request; "gone" (Max-Age=0), "elsewhere"
// (another Path) and "tls" (Secure, over http) never do.
// With --cookie-flood it then sets 200 more ("n0" to "n199": a jar keeps at most 180,
// dropping the oldest), one with an empty name and one without '=' (both ignored).
if (args.includes('--cookie')) {
  const flood = args.includes('--cookie-flood')
    ? ['=nameless', 'bare', ...Array.from({ length: 200 }, (_, i) => `n${i}=1`)]
    : [];
  io.engine.on('initial_headers', (headers) => {
    headers['Set-Cookie'] = [...(headers['Set-Cookie'] ?? []), 'path=1; Path=/socket.io', 'gone=1; Max-Age=0',
                             'elsewhere=1; Path=/elsewhere', 'tls=1; Secure', ...flood];
  });
}

const disconnectReasons = [];

function attach(nsp) {
  nsp.on('connection', (socket) => {
    let messages = 0;
    socket.emit('welcome', socket.id);
    socket.on('message', (...a) => {
      messages++;
      socket.emit('message-back', ...a);
    });
    socket.on('message-with-ack', (...a) => {
      const ack = a.pop();
      if (typeof ack === 'function') ack(...a);
    });
    socket.on('ask', (text) => {
      socket.emit('question', text, (reply) => socket.emit('answer', reply));
    });
    socket.on('burst', (n) => {
      for (let i = 0; i < n; i++) socket.emit('burst-item', i);
      socket.emit('burst-done', n);
    });
    const reply = (fn, ...values) => typeof fn === 'function' && fn(...values);  // emits without an ack are fine too
    socket.on('count', (ack) => reply(ack, messages));
    socket.on('disconnect-me', () => socket.disconnect());
    socket.on('cookies', (ack) => reply(ack, cookieLog));
    socket.on('websocket-cookies', (ack) => reply(ack, websocketCookieLog));
    socket.on('auth', (ack) => reply(ack, socket.handshake.auth));
    socket.on('recovered', (ack) => reply(ack, socket.recovered));
    socket.on('query', (ack) => reply(ack, socket.handshake.query));
    socket.on('headers', (ack) => reply(ack, socket.handshake.headers));
    socket.on('cut', (n) => {
      const id = socket.id;
      socket.once('disconnect', () => {
        for (let i = 0; i < n; i++) nsp.to(id).emit('missed', i);
      });
      socket.conn.close();
    });
    socket.on('nsp', (ack) => reply(ack, nsp.name));
    socket.on('transport', (ack) => reply(ack, socket.conn.transport.name));
    socket.on('disconnect-reasons', (ack) => reply(ack, disconnectReasons));
    socket.on('disconnect', (reason) => disconnectReasons.push({ nsp: nsp.name, id: socket.id, reason }));
    socket.on('shout', (...a) => nsp.emit('message-back', ...a));
    socket.on('volatile', (...a) => socket.volatile.emit('volatile-back', ...a));
  });
}

attach(io.of('/'));
attach(io.of('/custom'));
attach(recovering.of('/'));
attach(recovering.of('/custom'));
const admin = io.of('/admin');
admin.use((socket, next) => {
  if (socket.handshake.auth && socket.handshake.auth.token === 'secret') return next();
  const err = new Error('Not authorized');
  err.data = { reason: 'bad token' };
  next(err);
});
attach(admin);
io.of('/never').use(() => {});  // never calls next(): the CONNECT stays unanswered

httpServer.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ port: httpServer.address().port })));
