// The twinsock live demo server: static files, a Socket.IO 4.8 "demo" room, and two
// endpoints for the browser tests of the other clients.
//
// Usage: node web/demo/server.mjs [--port N] [--host H]
//   --port 3000 by default; --port 0 picks a free port (the URL line tells which).
//   --host 127.0.0.1 by default; --host 0.0.0.0 to let other machines join.
//   TWINSOCK_NPM_DIR=DIR serves the package from DIR instead of build/npm.
// Prints "twinsock demo on http://HOST:PORT/" once listening (the tests read that line),
// then the `twinsock io` command line that joins the same room from a terminal.
//
// Files: /            web/demo/ (index.html, demo.js, demo.css)
//        /twinsock/   the npm package from build/npm/ (the page imports /twinsock/dist/index.js).
//                     While build/npm/dist/index.js is missing, that one file is web/demo/fallback.js
//                     (socket.io-client's own bundle) and a warning is printed.
// Socket.IO (connectionStateRecovery on): every socket joins the room "demo" as a player,
// named and coloured by its handshake auth {name, color} (defaults are made up).
//   server -> client  "state"  {id, players:[player], chat:[message] | null, board:{width, height}}
//                               on every connect (chat is null on a recovered session:
//                               the missed messages are replayed instead)
//                     "joined" player          another player arrived (or renamed itself)
//                     "left"   {id}            another player went away
//                     "move"   {id, x, y}      another player moved
//                     "chat"   message         {id, name, color, text, at}, to everyone, sender included
//   client -> server  "move"   {x, y}          clamped to the board, broadcast to the others
//                     "chat"   text [, ack]    broadcast to everyone; the ack gets the message
//                     "join"   {name, color}   rename / recolour
// Test endpoints:
//   /events?n=N[&drop=1]  SSE: `retry: 500`, N events with ids continuing after Last-Event-ID
//                         ("event <id>"), then `event: done` (data: the last id), then a
//                         keep-alive comment every 10 s; drop=1 cuts the connection after them.
//   /ws                   WebSocket echo (text stays text, binary stays binary);
//                         the text "__drop__" makes the server cut the connection.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO_DIR = join(ROOT, 'web', 'demo');
const NPM_DIR = process.env.TWINSOCK_NPM_DIR ?? join(ROOT, 'build', 'npm');  // another package folder, e.g. for tests
const NPM_ENTRY = join(NPM_DIR, 'dist', 'index.js');
const FALLBACK = join(DEMO_DIR, 'fallback.js');
const BOARD = { width: 640, height: 400 };
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324'];

function option(name, fallback) {
  const args = process.argv.slice(2);
  const at = args.lastIndexOf(name);
  if (at < 0) return fallback;
  if (at + 1 >= args.length) usage(`${name} needs a value`);
  return args[at + 1];
}
function usage(message) {
  console.error(`server.mjs: ${message}\nusage: node web/demo/server.mjs [--port N] [--host H]`);
  process.exit(2);
}
const port = Number(option('--port', '3000'));
if (!Number.isInteger(port) || port < 0 || port > 65535) usage('--port needs a number from 0 to 65535');
const host = option('--host', '127.0.0.1');

// ---------------------------------------------------------------- static files
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/// The file `urlPath` names under `base`, or null (outside `base`, missing, not a file).
function fileUnder(base, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = normalize(join(base, decoded));
  if (file !== base && !file.startsWith(base + sep)) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

let warnedFallback = false;
function warnFallback() {
  if (warnedFallback) return;
  warnedFallback = true;
  console.warn(
    'warning: build/npm/dist/index.js is missing; the page gets socket.io-client instead of twinsock ' +
      '(run `bash scripts/build` to make the package)',
  );
}

function sendFile(res, file, method) {
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
  });
  res.end(method === 'HEAD' ? undefined : readFileSync(file));
}

function serveStatic(req, res, pathname) {
  let file = null;
  if (pathname.startsWith('/twinsock/')) {
    const rest = pathname.slice('/twinsock'.length);
    file = fileUnder(NPM_DIR, rest);
    if (!file && rest === '/dist/index.js' && !existsSync(NPM_ENTRY)) {
      warnFallback();
      file = FALLBACK;
    }
  } else {
    file = fileUnder(DEMO_DIR, pathname === '/' ? '/index.html' : pathname);
    if (file && (file.endsWith('.mjs') || file === FALLBACK)) file = null;  // the server itself; the fallback lives at /twinsock/
  }
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  sendFile(res, file, req.method);
}

// ---------------------------------------------------------------- SSE test stream
function serveEvents(req, res, url) {
  const n = Math.min(Math.max(Number(url.searchParams.get('n')) || 3, 1), 100);
  const after = Number.parseInt(req.headers['last-event-id'] ?? '0', 10) || 0;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.write('retry: 500\n\n');
  for (let id = after + 1; id <= after + n; id++) res.write(`id: ${id}\ndata: event ${id}\n\n`);
  res.write(`event: done\ndata: ${after + n}\n\n`);
  if (url.searchParams.get('drop') === '1') {
    setTimeout(() => res.destroy(), 50);
    return;
  }
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 10_000);
  req.on('close', () => clearInterval(keepAlive));
}

const httpServer = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/events') return serveEvents(req, res, url);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  serveStatic(req, res, url.pathname);
});

// ---------------------------------------------------------------- WebSocket echo
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    if (!isBinary && data.toString() === '__drop__') ws.terminate();
    else ws.send(data, { binary: isBinary });
  });
});
httpServer.on('upgrade', (req, socket, head) => {
  if (new URL(req.url, 'http://localhost').pathname !== '/ws') return;  // Socket.IO handles its own path
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});

// ---------------------------------------------------------------- Socket.IO room
const io = new Server(httpServer, {
  connectionStateRecovery: { maxDisconnectionDuration: 30_000, skipMiddlewares: true },
});
const players = new Map();  // socket id -> {id, name, color, x, y}
const history = [];         // the last chat messages, for newcomers
let guests = 0;

const text = (value, max) => (typeof value === 'string' ? value.trim().slice(0, max) : '');
const color = (value) => (typeof value === 'string' && /^#[0-9a-f]{6}$/i.test(value) ? value : null);
const clamp = (value, max) => Math.round(Math.min(Math.max(value, 0), max));

io.on('connection', (socket) => {
  const auth = socket.handshake.auth ?? {};
  if (!socket.recovered || !socket.data.player) {
    const n = guests++;
    socket.data.player = {
      id: socket.id,
      name: text(auth.name, 24) || `guest-${n + 1}`,
      color: color(auth.color) ?? PALETTE[n % PALETTE.length],
      x: 40 + Math.floor(Math.random() * (BOARD.width - 80)),
      y: 40 + Math.floor(Math.random() * (BOARD.height - 80)),
    };
  }
  const player = socket.data.player;
  players.set(player.id, player);
  socket.join('demo');
  socket.emit('state', { id: player.id, players: [...players.values()], chat: socket.recovered ? null : history, board: BOARD });
  socket.to('demo').emit('joined', player);

  socket.on('join', (info) => {
    player.name = text(info?.name, 24) || player.name;
    player.color = color(info?.color) ?? player.color;
    io.to('demo').emit('joined', player);
  });
  socket.on('move', (pos) => {
    if (!Number.isFinite(pos?.x) || !Number.isFinite(pos?.y)) return;
    player.x = clamp(pos.x, BOARD.width);
    player.y = clamp(pos.y, BOARD.height);
    socket.to('demo').emit('move', { id: player.id, x: player.x, y: player.y });
  });
  socket.on('chat', (body, ack) => {
    const message = { id: player.id, name: player.name, color: player.color, text: text(body, 200), at: Date.now() };
    if (!message.text) return;
    history.push(message);
    if (history.length > 30) history.shift();
    io.to('demo').emit('chat', message);
    if (typeof ack === 'function') ack(message);
  });
  socket.on('disconnect', () => {
    players.delete(player.id);
    io.to('demo').emit('left', { id: player.id });
  });
});

// ---------------------------------------------------------------- start and stop
function listen(attempt = 0) {
  httpServer.once('error', (err) => {
    // A restarted server may find its port still held for a moment by the one it replaces.
    if (err.code === 'EADDRINUSE' && port !== 0 && attempt < 20) setTimeout(() => listen(attempt + 1), 250);
    else {
      console.error(`server.mjs: cannot listen on ${host}:${port}: ${err.message}`);
      process.exit(1);
    }
  });
  httpServer.listen(port, host, () => {
    const where = `http://${host.includes(':') ? `[${host}]` : host}:${httpServer.address().port}/`;
    const binary = join(ROOT, 'build', 'native', 'twinsock');
    const tool = relative(process.cwd(), binary).startsWith('..') ? binary : relative(process.cwd(), binary);
    console.log(`twinsock demo on ${where}`);
    console.log('  open it in two browser tabs: arrow keys move your dot, the box below chats');
    console.log(`  join from a terminal, then type lines like ["chat","hello"] or ["move",{"x":320,"y":200}]:`);
    console.log(`    ${tool} io ${where} --auth '{"name":"terminal"}'`);
    if (!existsSync(NPM_ENTRY)) warnFallback();
  });
}

let stopping = false;
function stop() {
  if (stopping) process.exit(0);  // a second Ctrl-C
  stopping = true;
  for (const ws of wss.clients) ws.terminate();
  io.close(() => process.exit(0));  // closes the HTTP server too
  httpServer.closeAllConnections();
  setTimeout(() => process.exit(0), 500);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

listen();
