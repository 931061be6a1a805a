// An HTTP CONNECT proxy for the proxy tests.
// Usage: node proxy.mjs [--port N] [--auth user:pass]; prints {"port":N}.
// Each tunnel opened is logged to stderr; GET /log answers the list as JSON.
import { createServer } from 'node:http';
import { connect } from 'node:net';

const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] || 0) || 0;
const authAt = args.indexOf('--auth');
const expected = authAt >= 0 ? 'Basic ' + Buffer.from(args[authAt + 1]).toString('base64') : null;
const tunnels = [];

const server = createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(tunnels));
});

server.on('connect', (req, socket, head) => {
  if (expected && req.headers['proxy-authorization'] !== expected) {
    socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
    return;
  }
  const [host, portText] = req.url.startsWith('[')
    ? [req.url.slice(1, req.url.indexOf(']')), req.url.slice(req.url.indexOf(']') + 2)]
    : req.url.split(':');
  tunnels.push(req.url);
  const upstream = connect(Number(portText), host, () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
  socket.on('error', () => upstream.destroy());
});

server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
