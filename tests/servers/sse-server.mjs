// The SSE reference server for the native integration tests.
// Usage: node sse-server.mjs [--port N]; prints {"port":N} when listening.
// Paths:
//   /events?n=N      N events with ids 1..N (resuming after Last-Event-ID), then the stream ends
//   /drop?n=N        like /events but cuts the connection (no clean end) after N events per connection
//   /named           an event with `event: tick`, a multi-line data event, a comment, retry: 100
//   /reserved-names  events named "error" and "open" (names a client's own events have too)
//   /echo            one event whose data is the request's method, Last-Event-ID, body, and
//                    Authorization, Accept and Cache-Control headers as JSON
//   /status/<code>   answers <code> with no stream; /html (and /html/) answers 200 text/html
//   /redirect        307 to /events?n=2; /redirect-to?url=U  307 to U
//   /silent          opens the stream and sends nothing more
//   /stream?n=N&every=MS  events with ids 1..N (resuming after Last-Event-ID), one every MS ms
//                    (default 5), then the stream ends; `retry: 20` so a cut stream resumes fast
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] || 0) || 0;
const log = [];  // requests seen, for /log

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const lastId = Number(req.headers['last-event-id'] || 0);
  if (url.pathname !== '/log') log.push({ path: url.pathname, lastEventId: req.headers['last-event-id'] ?? null });
  const stream = () => res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  const n = Number(url.searchParams.get('n') || 3);
  switch (url.pathname) {
    case '/log':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(log));
      return;
    case '/events': {
      stream();
      res.write('retry: 200\n\n');
      for (let id = lastId + 1; id <= n; id++) res.write(`id: ${id}\ndata: event ${id}\n\n`);
      res.end();
      return;
    }
    case '/drop': {
      stream();
      res.write('retry: 200\n\n');
      const upTo = Math.min(n, lastId + 2);
      for (let id = lastId + 1; id <= upTo; id++) res.write(`id: ${id}\ndata: event ${id}\n\n`);
      res.write('id: 999\ndata: never dispatched');  // an event cut in the middle
      setTimeout(() => res.socket.destroy(), 50);
      return;
    }
    case '/stream': {
      stream();
      res.write('retry: 20\n\n');
      let id = lastId;
      const timer = setInterval(() => {
        if (++id > n) {
          clearInterval(timer);
          return res.end();
        }
        res.write(`id: ${id}\ndata: event ${id}\n\n`);
      }, Number(url.searchParams.get('every') || 5));
      res.on('close', () => clearInterval(timer));
      return;
    }
    case '/named':
      stream();
      res.write(': hello\n\nevent: tick\nid: 3\ndata: a\ndata: b\n\nretry: 100\ndata: plain\n\n');
      res.end();
      return;
    case '/reserved-names':
      stream();
      res.end('event: error\ndata: from the server\n\nevent: open\ndata: also\n\ndata: plain\n\n');
      return;
    case '/text':  // data and ids beyond ASCII, a NUL inside the data, an id that changes mid-stream
      stream();
      res.write('id: é1\ndata: a\u0000b\n\ndata: h\u00e9llo \u2713 \u{1F600}\n\nid: 2\nevent: \u00fcber\ndata: x\n\n');
      res.end();
      return;
    case '/echo': {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        stream();
        const info = { method: req.method, lastEventId: req.headers['last-event-id'] ?? null, body,
          auth: req.headers.authorization ?? null, accept: req.headers.accept ?? null,
          cacheControl: req.headers['cache-control'] ?? null };
        res.end(`data: ${JSON.stringify(info)}\n\n`);
      });
      return;
    }
    case '/html':
    case '/html/':  // also Engine.IO's path, for clients pointed at the wrong server
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<p>not a stream</p>');
      return;
    case '/redirect':
      res.writeHead(307, { Location: '/events?n=2' });
      res.end();
      return;
    case '/redirect-to':
      res.writeHead(307, { Location: url.searchParams.get('url') });
      res.end();
      return;
    case '/silent':
      stream();
      res.write(': open\n\n');
      return;
    default:
      if (url.pathname.startsWith('/status/')) {
        res.writeHead(Number(url.pathname.slice(8)));
        res.end();
        return;
      }
      res.writeHead(404);
      res.end();
  }
});

server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
