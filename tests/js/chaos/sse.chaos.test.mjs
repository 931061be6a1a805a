// EventSourceClient under faults: the npm package (WASM build) against the SSE server
// of tests/servers/sse-server.mjs (/stream: ids 1..n, resuming after Last-Event-ID,
// `retry: 20`), through the chaos proxy that cuts and resets the stream. Each backend
// prints a "chaos: ..." summary line.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { eventually, getJson, proxyTo, repeats, sleep, spread, startServer, summary, tracker, twinsock } from './support.mjs';

const { EventSourceClient } = twinsock;

describe('EventSourceClient (WASM facade) through the chaos proxy', () => {
  let t;
  beforeEach(() => { t = tracker(); });
  afterEach(async () => { await t.closeAll(); });

  // "fetch": the C++ sse::Client over fetch(); "eventsource": the platform's EventSource (the `eventsource` package).
  for (const transport of ['fetch', 'eventsource']) {
    test(`Last-Event-ID resume (${transport}): no event lost or repeated across cuts and resets`, { timeout: 30_000 }, async () => {
      const server = t.track(await startServer('sse-server.mjs'));
      const proxy = t.track(await proxyTo(server));
      const n = 400;
      const client = t.track(new EventSourceClient(`http://127.0.0.1:${proxy.port}/stream?n=${n}&every=5`, { transport }));
      const ids = [];
      const wrong = [];
      let opens = 0;
      let downAt = 0;
      const outages = [];
      client.addEventListener('message', (e) => {
        ids.push(Number(e.lastEventId));
        if (e.data !== `event ${e.lastEventId}`) wrong.push([e.lastEventId, e.data]);
      });
      client.addEventListener('open', () => {
        opens++;
        if (downAt) outages.push(Date.now() - downAt);
        downAt = 0;
      });
      client.addEventListener('error', () => (downAt ||= Date.now()));
      await eventually(() => ids.length > 0, 'the first event');
      let k = 0;
      const cutter = setInterval(() => (k++ % 2 ? proxy.reset() : proxy.cut()), 150);
      try {
        await eventually(() => ids.includes(n), `event ${n}`, 20_000);
      } finally {
        clearInterval(cutter);
      }
      await sleep(100);  // a repeat would show by now
      client.close();

      assert.deepEqual(wrong, [], 'each event carries its own data');
      assert.deepEqual(repeats(ids), [], 'no event twice');
      assert.deepEqual(ids, [...Array(n).keys()].map((i) => i + 1), 'every event, in order');
      const requests = (await getJson(server.port, '/log')).filter((r) => r.path === '/stream');
      const resumes = requests.filter((r) => r.lastEventId !== null).length;
      assert.ok(resumes >= 3, `the stream was resumed (${resumes} times)`);
      summary(`sse-resume-${transport}`, {
        events: ids.length, duplicates: 0, cuts: proxy.stats().cuts, reconnects: opens - 1, resumes,
        outage_ms: spread(outages),
      });
    });
  }
});
