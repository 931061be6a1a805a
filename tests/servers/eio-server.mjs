// The `engine.io` 6 reference server for the eio::Socket integration tests.
// Usage: node eio-server.mjs [--port N] [--ping-interval MS] [--ping-timeout MS] [--sticky]
//                            [--max-payload N]
// Prints {"port":N} on stdout when listening on 127.0.0.1. Defaults follow the
// protocol test suites: pingInterval 300, pingTimeout 200, maxPayload 1e6.
// Every message is echoed back as it came (text or binary), except:
//   "close-me"  the server closes the session (the client sees a close packet / closed socket)
//   "cookies"   answers JSON [{transport, cookie}] of the requests this session made
//   "info"      answers JSON {transport, sid}
// --sticky sets `lb=node7` (as a load balancer would) on the handshake response and the
// engine's own `io=<sid>` cookie, so tests can check both come back.
import { createServer } from 'node:http';
import { Server as EngineServer } from 'engine.io';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const port = opt('--port', 0);
const sticky = args.includes('--sticky');

const http = createServer();
const engine = new EngineServer({
  pingInterval: opt('--ping-interval', 300),
  pingTimeout: opt('--ping-timeout', 200),
  maxHttpBufferSize: opt('--max-payload', 1e6),
  cors: { origin: '*' },
  ...(sticky ? { cookie: { name: 'io', path: '/', httpOnly: true, sameSite: 'lax' } } : {}),
});
engine.attach(http);

// The Cookie header of every request, by sid (the handshake has none yet: keyed "").
const cookies = new Map();
const record = (req, transport) => {
  const sid = new URL(req.url, 'http://x').searchParams.get('sid') ?? '';
  if (!cookies.has(sid)) cookies.set(sid, []);
  cookies.get(sid).push({ transport, method: req.method, cookie: req.headers.cookie ?? null });
};
http.prependListener('request', (req) => record(req, 'polling'));
http.prependListener('upgrade', (req) => record(req, 'websocket'));

if (sticky) {
  engine.on('initial_headers', (headers) => {
    const existing = headers['Set-Cookie'] ?? headers['set-cookie'];
    const list = existing ? [].concat(existing) : [];
    list.push('lb=node7; Path=/');
    headers['Set-Cookie'] = list;
  });
}

engine.on('connection', (socket) => {
  socket.on('message', (data) => {
    if (data === 'close-me') return socket.close();
    if (data === 'cookies') return socket.send(JSON.stringify(cookies.get(socket.id) ?? []));
    if (data === 'info') return socket.send(JSON.stringify({ transport: socket.transport.name, sid: socket.id }));
    socket.send(data);
  });
});

http.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: http.address().port }) + '\n');
});
