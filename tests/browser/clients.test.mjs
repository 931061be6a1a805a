// twinsock's ReconnectingWebSocket and EventSourceClient inside a page, against the demo
// server's /ws (echo) and /events (SSE) endpoints.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { assertTwinsock, launchBrowser, openPage, startDemo, within } from './support.mjs';

describe('ReconnectingWebSocket and EventSourceClient in Chromium', () => {
  let server, browser, page;
  before(async () => {
    server = await startDemo();
    browser = await launchBrowser(['--js-flags=--expose-gc']);  // gc(): see the lifetime tests
    page = await openPage(browser, server.url);
    await page.evaluate(async () => {
      window.twinsock = await import('/twinsock/dist/index.js');
      window.demoClient = window.twinsock.demoFallback ?? 'twinsock';
    });
    assertTwinsock(page, await page.evaluate(() => window.demoClient));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /// Runs `fn` in the page, bounded (page.evaluate itself never times out); `fn` pushes
  /// its steps to window.steps, which a timeout reports.
  const inPage = async (fn, arg, what, ms = 10_000) => {
    await page.evaluate(() => (window.steps = []));
    return within(page.evaluate(fn, arg), ms, what).catch(async (e) => {
      const steps = await page.evaluate(() => JSON.stringify(window.steps)).catch(() => '?');
      throw new Error(`${e.message}\n  steps so far: ${steps}\n  page problems: ${JSON.stringify(page.problems)}`);
    });
  };

  test('ReconnectingWebSocket: text and binary echo, readyState, reconnection after a drop', async () => {
    const result = await inPage(async () => {
      const log = window.steps;
      const ws = new window.twinsock.ReconnectingWebSocket(`ws://${location.host}/ws`);
      window.held = ws;  // (what a client that nobody holds does is the lifetime test's)
      const next = (type) => new Promise((resolve) => ws.addEventListener(type, resolve, { once: true }));
      const bytes = async (data) =>
        data instanceof Blob ? [...new Uint8Array(await data.arrayBuffer())]
          : ArrayBuffer.isView(data) ? [...new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]
            : data instanceof ArrayBuffer ? [...new Uint8Array(data)] : `not binary: ${typeof data} ${data}`;
      let opens = 0;
      ws.onopen = () => opens++;
      log.push(['readyState before open', ws.readyState]);
      await next('open');
      log.push(['readyState when open', ws.readyState]);

      let reply = next('message');
      ws.send('héllo ☃');
      log.push(['text', (await reply).data]);

      reply = next('message');
      ws.send(new Uint8Array([0, 1, 2, 255]));
      log.push(['binary', await bytes((await reply).data)]);

      // The server cuts the connection: a close event, then a new connection by itself.
      const closed = next('close');
      const reopened = new Promise((resolve) => ws.addEventListener('close', () => next('open').then(resolve), { once: true }));
      ws.send('__drop__');
      const close = await closed;
      log.push(['dropped', close.wasClean, typeof close.code]);
      await reopened;
      reply = next('message');
      ws.send('again');
      log.push(['after reconnecting', (await reply).data, opens]);

      const done = next('close');
      ws.close(1000, 'bye');
      log.push(['closed', (await done).code, ws.readyState]);
      return log;
    }, undefined, 'the WebSocket exchange');
    assert.deepEqual(result, [
      ['readyState before open', 0],
      ['readyState when open', 1],
      ['text', 'héllo ☃'],
      ['binary', [0, 1, 2, 255]],
      ['dropped', false, 'number'],
      ['after reconnecting', 'again', 2],
      ['closed', 1000, 3],
    ]);
  });

  test('EventSourceClient: the numbered events with their ids, a named event, readyState, lastEventId', async () => {
    const result = await inPage(async () => {
      const log = window.steps;
      const es = new window.twinsock.EventSourceClient(`${location.origin}/events?n=3`);
      log.push(['readyState before open', es.readyState]);
      const opened = new Promise((resolve) => (es.onopen = resolve));
      es.onmessage = (e) => log.push(['message', e.data, e.lastEventId]);
      const done = new Promise((resolve) => es.addEventListener('done', resolve));
      await opened;
      log.push(['readyState when open', es.readyState]);
      const last = await done;
      log.push(['done', last.data, es.lastEventId]);
      es.close();
      log.push(['readyState after close', es.readyState]);
      return log;
    }, undefined, 'the SSE stream');
    assert.deepEqual(result, [
      ['readyState before open', 0],
      ['readyState when open', 1],
      ['message', 'event 1', '1'],
      ['message', 'event 2', '2'],
      ['message', 'event 3', '3'],
      ['done', '3', '3'],
      ['readyState after close', 2],
    ]);
  });

  test('EventSourceClient with headers, cross-origin: only the headers the user set need CORS', async () => {
    // A server on another origin whose preflight allows Authorization alone, as a typical
    // API does: the fetch backend must add no header of its own that would need more.
    const preflights = [];
    const other = createServer((req, res) => {
      const cors = { 'Access-Control-Allow-Origin': server.url.replace(/\/$/, '') };
      if (req.method === 'OPTIONS') {
        preflights.push(req.headers['access-control-request-headers'] ?? '');
        res.writeHead(204, { ...cors, 'Access-Control-Allow-Headers': 'authorization' });
        return res.end();
      }
      res.writeHead(200, { ...cors, 'Content-Type': 'text/event-stream' });
      res.end(`data: ${req.headers.authorization}\n\n`);
    });
    await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const data = await inPage(async (url) => {
        const es = new window.twinsock.EventSourceClient(url, { headers: { Authorization: 'Bearer t0k3n' } });
        const got = await new Promise((resolve) => {
          es.onmessage = (e) => resolve(e.data);
          es.onerror = (e) => window.steps.push(['error', e.message]);
        });
        es.close();
        return got;
      }, `http://127.0.0.1:${other.address().port}/stream`, 'the cross-origin event');
      assert.equal(data, 'Bearer t0k3n');
      assert.deepEqual(preflights, ['authorization']);
    } finally {
      other.close();
    }
  });

  test('URLs relative to the page, as the DOM takes them (fetch backend and WebSocket)', async () => {
    const result = await inPage(async () => {
      const es = new window.twinsock.EventSourceClient('events?n=1', { transport: 'fetch' });
      const data = await new Promise((resolve) => (es.onmessage = (e) => resolve(e.data)));
      es.close();
      const ws = new window.twinsock.ReconnectingWebSocket('/ws');
      const echo = await new Promise((resolve) => {
        ws.onopen = () => ws.send('relative');
        ws.onmessage = (e) => resolve(e.data);
      });
      ws.close();
      return { data, esUrl: es.url, echo, wsUrl: ws.url, page: location.href };
    }, undefined, 'the relative URLs');
    assert.equal(result.data, 'event 1');
    assert.equal(result.esUrl, new URL('events?n=1', result.page).href);
    assert.equal(result.echo, 'relative');
    assert.equal(result.wsUrl, new URL('/ws', result.page).href.replace(/^http/, 'ws'));
  });

  test('EventSourceClient: resumes after a cut with Last-Event-ID', async () => {
    const result = await inPage(async () => {
      const ids = [];
      const es = new window.twinsock.EventSourceClient(`${location.origin}/events?n=2&drop=1`);
      let errors = 0;
      es.onerror = () => errors++;
      await new Promise((resolve) => {
        es.onmessage = (e) => {
          ids.push(e.lastEventId);
          if (ids.length === 4) resolve();
        };
      });
      es.close();
      return { ids, errors, lastEventId: es.lastEventId };
    }, undefined, 'the resumed SSE stream');
    assert.deepEqual(result.ids, ['1', '2', '3', '4']);
    assert.equal(result.lastEventId, '4');
    assert.ok(result.errors >= 1, 'an error event for the cut');
  });

  test('addEventListener: { once: true } and removeEventListener', async () => {
    const result = await inPage(async () => {
      const ws = new window.twinsock.ReconnectingWebSocket(`ws://${location.host}/ws`);
      window.held = ws;
      const seen = { once: 0, removed: 0, always: 0 };
      const removed = () => seen.removed++;
      ws.addEventListener('message', () => seen.once++, { once: true });
      ws.addEventListener('message', removed);
      ws.removeEventListener('message', removed);
      const two = new Promise((resolve) => ws.addEventListener('message', () => ++seen.always === 2 && resolve()));
      await new Promise((resolve) => (ws.onopen = resolve));
      ws.send('one');
      ws.send('two');
      await two;
      ws.close();
      return seen;
    }, undefined, 'the listeners test').catch((e) => e.message);
    assert.deepEqual(result, { once: 1, removed: 0, always: 2 });
  });

  // A browser keeps a WebSocket or an EventSource alive while it is connecting or open,
  // even when the page holds it only through its listeners; a reconnecting client is
  // still connecting. Each test makes one that nobody else holds, cuts its connection
  // and collects garbage (gc(), --expose-gc) while it waits to reconnect.
  test('lifetime: a ReconnectingWebSocket held only by its listeners reconnects after a drop', async () => {
    const result = await inPage(async () => {
      const events = window.steps;
      const collector = setInterval(() => window.gc(), 100);
      await new Promise((resolve) => {
        const ws = new window.twinsock.ReconnectingWebSocket(`ws://${location.host}/ws`);
        let opens = 0;
        ws.onopen = () => (events.push('open'), ++opens === 1 ? ws.send('__drop__') : ws.send('back'));
        ws.onclose = (e) => events.push(`close ${e.code}`);
        ws.onmessage = (e) => (events.push(`message ${e.data}`), ws.close(1000), resolve());
      });
      clearInterval(collector);
      await new Promise((resolve) => setTimeout(resolve, 100));  // the close event
      return events;
    }, undefined, 'the dropped WebSocket to come back', 5000).catch((e) => e.message);
    assert.deepEqual(result, ['open', 'close 1006', 'open', 'message back', 'close 1000']);
  });

  test('lifetime: an EventSourceClient held only by its listeners resumes after a cut', async () => {
    const result = await inPage(async () => {
      const ids = window.steps;
      const collector = setInterval(() => window.gc(), 100);
      await new Promise((resolve) => {
        const es = new window.twinsock.EventSourceClient(`${location.origin}/events?n=2&drop=1`);
        es.onmessage = (e) => ids.push(e.lastEventId) === 4 && (es.close(), resolve());
      });
      clearInterval(collector);
      return ids;
    }, undefined, 'the cut SSE stream to resume', 5000).catch((e) => e.message);
    assert.deepEqual(result, ['1', '2', '3', '4']);
  });

  test('no uncaught errors in the page', () => {
    assert.deepEqual(page.problems.filter((p) => !/WebSocket connection|ERR_INCOMPLETE_CHUNKED_ENCODING/.test(p)), []);
  });
});
