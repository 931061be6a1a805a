// One Socket.IO 4.8 node of the scale-out cluster (started by cluster.mjs through
// child_process.fork). Nodes share rooms through @socket.io/redis-adapter, so a
// room broadcast made on one node reaches the clients of every node.
// Usage: node node-server.mjs --name A --redis redis://127.0.0.1:PORT
//
// - Every handshake sets the cookie `scale_node=<name>` (the cookie-sticky nginx
//   variant routes on it) and every response carries `X-Scale-Node: <name>`.
// - Events: "join" room (ack: the node's name), "echo" ...args (ack: [name, ...args]).
// - Parent messages (IPC), each answered with {id, ok, ...}:
//     {cmd: "broadcast", room, event, data} -> emits event {from: name, data} to the room (every node)
//     {cmd: "sessions"}                     -> {sessions: {sid: requests}}: every HTTP request and
//                                              WebSocket upgrade this node got, by Engine.IO sid
//                                              (the handshake counts for the sid it created)
// - Sends {port} to the parent when listening; exits when the parent goes away.
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  if (at < 0 || at + 1 >= args.length) throw new Error(`node-server.mjs: ${name} is required`);
  return args[at + 1];
};
const name = option('--name');
const redisUrl = option('--redis');

const pub = createClient({ url: redisUrl });
const sub = pub.duplicate();
// A broken bus is reported, not thrown: the cluster tears redis down after the nodes.
for (const client of [pub, sub]) client.on('error', (e) => console.error(`node ${name}: redis: ${e.message}`));
await Promise.all([pub.connect(), sub.connect()]);

const httpServer = createServer();
const io = new Server(httpServer, {
  pingInterval: 1000,
  pingTimeout: 1000,
  adapter: createAdapter(pub, sub),
});

// Which Engine.IO sessions this node served, request by request.
const sessions = {};
const seen = (sid) => {
  if (sid) sessions[sid] = (sessions[sid] ?? 0) + 1;
};
const sidOf = (req) => new URL(req.url, 'http://node').searchParams.get('sid');
httpServer.prependListener('request', (req) => seen(sidOf(req)));
httpServer.prependListener('upgrade', (req) => seen(sidOf(req)));
io.engine.on('connection', (engineSocket) => seen(engineSocket.id));

io.engine.on('initial_headers', (headers) => {
  headers['Set-Cookie'] = [`scale_node=${name}; Path=/; HttpOnly`];
});
io.engine.on('headers', (headers) => {
  headers['X-Scale-Node'] = name;
});

io.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    socket.join(room);
    if (typeof ack === 'function') ack(name);
  });
  socket.on('echo', (...a) => {
    const ack = a.pop();
    if (typeof ack === 'function') ack(name, ...a);
  });
});

process.on('message', (msg) => {
  const answer = (reply) => process.send({ id: msg.id, ok: true, ...reply });
  switch (msg.cmd) {
    case 'broadcast':
      io.to(msg.room).emit(msg.event, { from: name, data: msg.data });
      return answer({});
    case 'sessions':
      return answer({ sessions });
    default:
      process.send({ id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
  }
});
process.on('disconnect', () => process.exit(0));

httpServer.listen(0, '127.0.0.1', () => process.send({ port: httpServer.address().port }));
