// ReconnectingWebSocket under faults: the npm package (WASM build) against the `ws`
// server of tests/servers/ws-server.mjs (/echo), through the chaos proxy. Each
// scenario prints a "chaos: ..." summary line.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { eventually, proxyTo, repeats, spread, startServer, summary, tracker, twinsock } from './support.mjs';

const { ReconnectingWebSocket } = twinsock;
const { OPEN } = ReconnectingWebSocket;

describe('ReconnectingWebSocket (WASM facade) through the chaos proxy', () => {
  let t;
  beforeEach(() => { t = tracker(); });
  afterEach(async () => { await t.closeAll(); });

  /** ws-server.mjs behind a proxy, and a client of its /echo through the proxy. */
  async function setup() {
    const server = t.track(await startServer('ws-server.mjs'));
    const proxy = t.track(await proxyTo(server));
    const client = t.track(new ReconnectingWebSocket(`ws://127.0.0.1:${proxy.port}/echo`,
                                                     { minReconnectionDelay: 50, maxReconnectionDelay: 200 }));
    const log = { echoes: [], opens: 0, closes: 0, openedAt: 0, closedAt: 0, outages: [] };
    client.addEventListener('message', (e) => log.echoes.push(e.data));
    client.addEventListener('open', () => {
      log.opens++;
      if (log.closedAt) log.outages.push(Date.now() - log.closedAt);
    });
    client.addEventListener('close', () => {
      log.closes++;
      log.closedAt = Date.now();
    });
    await eventually(() => client.readyState === OPEN, 'open');
    return { proxy, client, log };
  }

  test('queue: what is sent while the link is down is delivered once it is back, none lost, in order', { timeout: 30_000 }, async () => {
    const { proxy, client, log } = await setup();
    const cycles = 10;
    const burst = 50;
    const sent = [];
    let queuedBytes = 0;
    for (let cycle = 0; cycle < cycles; cycle++) {
      // Sent from the close event itself: the link is down for sure, so all of it goes to the queue.
      client.addEventListener('close', () => {
        assert.notEqual(client.readyState, OPEN);
        for (let i = 0; i < burst; i++) {
          const message = `${cycle}:${i}`;
          client.send(message);
          sent.push(message);
        }
        queuedBytes += client.bufferedAmount;
      }, { once: true });
      if (cycle % 2) proxy.reset();
      else proxy.cut();
      await eventually(() => sent.length === (cycle + 1) * burst && log.echoes.length === sent.length,
                       `the echoes of cut ${cycle + 1}`, 10_000);
    }
    assert.ok(queuedBytes > 0, 'the messages waited in the queue');
    assert.deepEqual(repeats(log.echoes), [], 'none twice');
    assert.deepEqual(log.echoes, sent, 'all of them, in order');
    assert.equal(log.opens, cycles + 1);
    summary('ws-queue', {
      cuts: proxy.stats().cuts, queued: sent.length, delivered: log.echoes.length, lost: sent.length - log.echoes.length,
      duplicates: 0, reconnects: log.opens - 1, outage_ms: spread(log.outages),
    });
  });

  test('steady traffic under periodic cuts: what arrives is in order and never twice', { timeout: 30_000 }, async () => {
    const { proxy, client, log } = await setup();
    let next = 0;
    let queued = 0;
    proxy.cutEvery(150);
    const sender = setInterval(() => {
      if (client.readyState !== OPEN) queued++;
      client.send(String(next++));
    }, 2);
    try {
      await eventually(() => log.closes >= 10, 'ten cuts', 15_000);
    } finally {
      clearInterval(sender);
      proxy.cutEvery(0);
    }
    await eventually(() => client.readyState === OPEN, 'open after the last cut');
    client.send('end');
    await eventually(() => log.echoes.at(-1) === 'end', 'the last echo');
    const numbers = log.echoes.slice(0, -1).map(Number);
    assert.deepEqual(repeats(numbers), [], 'no message twice');
    assert.ok(numbers.every((n, i) => i === 0 || n > numbers[i - 1]), 'in the order sent');
    // Sent while open and swallowed by a cut: a WebSocket does not resend (no acks); the queue only
    // holds what was sent while the link was down.
    const lost = next - numbers.length;
    summary('ws-steady', {
      sent: next, sent_while_down: queued, delivered: numbers.length, lost_in_flight: lost, duplicates: 0,
      cuts: proxy.stats().cuts, reconnects: log.opens - 1, outage_ms: spread(log.outages),
    });
  });
});
