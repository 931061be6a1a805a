// The `ws` 8 reference server for the native integration tests.
// Usage: node ws-server.mjs [--port N] [--tls CERT KEY [--client-ca CA]]; prints {"port":N} on stdout
// when listening. --client-ca makes TLS clients present a certificate signed by CA.
// Paths: /echo (echoes every message as it came), /close/<code> (closes at once with <code>
// and reason "bye"), /ping (pings the client and echoes the pong payload back as text),
// /subprotocol (accepts the first offered subprotocol), /deflate (permessage-deflate on),
// /big/<n> (sends one binary message of n bytes), /count (sends "1".."5" then closes 1000),
// /url (sends the request's path and query, then closes with 1012: the client comes back),
// /protocols (likewise with the offered subprotocols, Sec-WebSocket-Protocol), /reject (403),
// /moved (301 to /echo: WebSocket clients do not follow it), /busy (503, as a server restarting),
// /big/<n>?tag=T records the close code it gets under T, /closes?tag=T sends those codes as JSON.
import { WebSocketServer } from 'ws';
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] || 0) || 0;
const tlsAt = args.indexOf('--tls');
const clientCaAt = args.indexOf('--client-ca');
const server = tlsAt >= 0
  ? createHttps({
      cert: readFileSync(args[tlsAt + 1]),
      key: readFileSync(args[tlsAt + 2]),
      ...(clientCaAt >= 0 ? { ca: readFileSync(args[clientCaAt + 1]), requestCert: true, rejectUnauthorized: true } : {}),
    })
  : createHttp();

server.on('request', (req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.end('WebSocket only');
});

const plain = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
const deflate = new WebSocketServer({ noServer: true, perMessageDeflate: { threshold: 0 }, maxPayload: 64 * 1024 * 1024 });
const withProtocol = new WebSocketServer({
  noServer: true,
  handleProtocols: (protocols) => protocols.values().next().value ?? false,
});

server.on('upgrade', (req, socket, head) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/reject') {
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  if (path === '/busy') {
    socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  if (path === '/moved') {
    socket.end('HTTP/1.1 301 Moved Permanently\r\nLocation: /echo\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const wss = path === '/deflate' ? deflate : path === '/subprotocol' ? withProtocol : plain;
  wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, path, req));
});

const closeCodes = {};  // tag -> close codes the server received

function onConnection(ws, path, req) {
  if (path.startsWith('/close/')) {
    ws.close(Number(path.slice(7)), 'bye');
    return;
  }
  if (path.startsWith('/big/')) {
    const tag = new URL(req.url, 'http://x').searchParams.get('tag');
    if (tag) ws.on('close', (code) => (closeCodes[tag] ??= []).push(code));
    ws.send(Buffer.alloc(Number(path.slice(5)), 7));
    return;
  }
  if (path === '/closes') {  // the close codes /big/<n>?tag=T saw, as JSON
    ws.send(JSON.stringify(closeCodes[new URL(req.url, 'http://x').searchParams.get('tag')] ?? []));
    ws.close(1000);
    return;
  }
  if (path === '/count') {
    for (let i = 1; i <= 5; i++) ws.send(String(i));
    ws.close(1000, 'done');
    return;
  }
  if (path === '/url') {
    ws.send(req.url);
    ws.close(1012, 'again');
    return;
  }
  if (path === '/protocols') {
    ws.send(req.headers['sec-websocket-protocol'] ?? '');
    ws.close(1012, 'again');
    return;
  }
  if (path === '/headers') {
    ws.send(JSON.stringify(req.headers));
    return;
  }
  if (path === '/ping') {
    ws.on('pong', (data) => ws.send(`pong:${data.toString()}`));
    ws.ping('hello');
  }
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
}

server.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
