// The `ws` 8 echo server of `npm run bench`: every message on any path comes back as it came.
// Usage: node ws-bench-server.mjs [--port N]; prints {"port":N} when listening on 127.0.0.1.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const port = Number(args[args.lastIndexOf('--port') + 1] || 0) || 0;

const http = createServer((req, res) => res.writeHead(426).end());
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
http.listen({ port, host: '127.0.0.1' }, () => console.log(JSON.stringify({ port: http.address().port })));
process.on('SIGTERM', () => process.exit(0));
