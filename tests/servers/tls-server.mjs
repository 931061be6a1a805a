// One HTTPS server for the CLI's TLS tests: a WebSocket echo, an event stream and
// Socket.IO, all over TLS with the given certificate.
// Usage: node tls-server.mjs --cert FILE --key FILE [--client-ca FILE] [--port N]
//   --client-ca: ask for a client certificate and refuse connections without one
//                signed by that CA.
// Prints {"port":N} when listening. Paths:
//   /echo (WebSocket)  echoes every message
//   /events            three events with ids 1..3, then the stream ends
//   /socket.io/        Socket.IO: "message" ...args -> "message-back" with the same args
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.lastIndexOf(name) + 1] : undefined);
const clientCa = option('--client-ca');
const server = createServer({
  cert: readFileSync(option('--cert')),
  key: readFileSync(option('--key')),
  ...(clientCa ? { ca: readFileSync(clientCa), requestCert: true, rejectUnauthorized: true } : {}),
}, (req, res) => {
  if (req.url.startsWith('/events')) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    for (let id = 1; id <= 3; id++) res.write(`id: ${id}\ndata: event ${id}\n\n`);
    res.end();
    return;
  }
  if (!req.url.startsWith('/socket.io/')) {
    res.writeHead(404);
    res.end();
  }
});

const echo = new WebSocketServer({ noServer: true });
echo.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
const io = new Server(server);
io.on('connection', (socket) => socket.on('message', (...a) => socket.emit('message-back', ...a)));
server.on('upgrade', (req, socket, head) => {
  if (req.url.startsWith('/echo')) echo.handleUpgrade(req, socket, head, (ws) => echo.emit('connection', ws, req));
});

server.listen(Number(option('--port') ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
