// A tiny Socket.IO 4.8 chat server for examples/chat and its test.
// Usage: node chat-server.mjs [--port N]  (default 3000; the last --port wins)
// Prints {"port":N} when listening.
//
// Namespace "/", events (client -> server; every ack is optional):
//   "join" {room, name}  -> joins the room, acks {room}; the others in the room get "joined" {room, name}
//   "chat" text          -> the whole room (sender included) gets "chat" {room, name, text}; acks true
//                           (acks {error} when the socket has not joined a room)
//   "leave"              -> leaves the room, acks true; the others get "left" {room, name}
// A disconnect while in a room also tells the others "left".
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const portAt = args.lastIndexOf('--port');
const port = portAt >= 0 ? Number(args[portAt + 1]) || 0 : 3000;

const httpServer = createServer();
const io = new Server(httpServer, { cors: { origin: '*' } });
const reply = (ack, value) => typeof ack === 'function' && ack(value);

io.on('connection', (socket) => {
  let room = null;
  let name = null;
  const leave = () => {
    if (room === null) return;
    socket.to(room).emit('left', { room, name });
    socket.leave(room);
    room = null;
  };
  socket.on('join', (who, ack) => {
    if (!who || typeof who.room !== 'string' || typeof who.name !== 'string')
      return reply(ack, { error: 'join needs {room, name}' });
    leave();
    room = who.room;
    name = who.name;
    socket.join(room);
    socket.to(room).emit('joined', { room, name });
    reply(ack, { room });
  });
  socket.on('chat', (text, ack) => {
    if (room === null) return reply(ack, { error: 'join a room first' });
    io.to(room).emit('chat', { room, name, text: String(text) });
    reply(ack, true);
  });
  socket.on('leave', (ack) => {
    leave();
    reply(ack, true);
  });
  socket.on('disconnect', leave);
});

httpServer.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ port: httpServer.address().port })));
