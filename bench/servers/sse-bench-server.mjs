// The SSE server of `npm run bench`.
// Usage: node sse-bench-server.mjs [--port N]; prints {"port":N} when listening on 127.0.0.1.
//   GET /events?n=N&size=S   N events `data: <S bytes>` (default 16), written 1000 per
//                            write with backpressure, then the stream ends
// CORS is open (the Chromium leg's page is served from another port), preflights included.
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const port = Number(args[args.lastIndexOf('--port') + 1] || 0) || 0;

const http = createServer((req, res) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method === 'OPTIONS') {
    return res.writeHead(204, { 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'GET' }).end();
  }
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/events') return res.writeHead(404).end();
  const n = Number(url.searchParams.get('n') || 1000);
  const chunk = `data: ${'x'.repeat(Number(url.searchParams.get('size') || 16))}\n\n`;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.write('retry: 60000\n\n');
  let sent = 0;
  const pump = () => {
    while (sent < n) {
      const k = Math.min(1000, n - sent);
      sent += k;
      if (!res.write(chunk.repeat(k))) return res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
http.listen({ port, host: '127.0.0.1' }, () => console.log(JSON.stringify({ port: http.address().port })));
process.on('SIGTERM', () => process.exit(0));
