// `twinsock bench` end to end: usage errors, a small load run against
// tests/servers/load-server.mjs (the JSON report's fields and invariants), and a
// run against a closed port (every connect fails, exit 1).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { getJson, run, runToEnd, show, startServer, unusedPort } from './support.mjs';

const HTTP = 'http://127.0.0.1:9/';

async function usageError(args, message) {
  const result = await runToEnd(['bench', ...args], { stdin: '' });
  assert.equal(result.code, 2, show(result));
  assert.equal(result.stdout, '', 'usage errors print nothing on stdout');
  assert.match(result.stderr, message, show(result));
  assert.match(result.stderr, /usage: twinsock bench URL/, show(result));
}

/// The single JSON object of a --json run.
function report(result) {
  const text = result.stdout.trim();
  assert.ok(text && !text.includes('\n'), `--json prints exactly one line\n${show(result)}`);
  const value = JSON.parse(text);
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), show(result));
  for (const key of ['clients', 'connected', 'connect_failed', 'connect_time_s', 'sent', 'received', 'acked', 'errors',
    'latency_us', 'cpu_s', 'max_rss_kb', 'duration_s'])
    assert.ok(key in value, `report has ${key}\n${show(result)}`);
  for (const key of ['p50', 'p90', 'p99', 'p999']) assert.ok(key in value.latency_us, `latency_us has ${key}`);
  assert.equal(typeof value.errors, 'object');
  return value;
}

describe('twinsock bench: usage', { concurrency: 4 }, () => {
  test('--help prints the options and exit codes on stdout, exit 0', async () => {
    const result = await runToEnd(['bench', '--help'], { stdin: '' });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^usage: twinsock bench URL --clients N/);
    for (const option of ['--clients', '--ramp', '--rate', '--duration', '--event', '--payload-bytes', '--ack', '--threads', '--transports', '--json', '--quiet'])
      assert.ok(result.stdout.includes(option), `help mentions ${option}`);
    assert.match(result.stdout, /exit codes:/);
  });

  test('the top-level usage lists bench', async () => {
    const result = await runToEnd(['--help'], { stdin: '' });
    assert.match(result.stdout, /twinsock bench URL/);
  });

  test('bad arguments: exit 2 with a clear message', async () => {
    await usageError([HTTP], /missing --clients N/);
    await usageError(['--clients', '3'], /missing URL/);
    await usageError([HTTP, '--clients', '0'], /--clients needs a whole number/);
    await usageError([HTTP, '--clients', 'many'], /--clients needs a whole number/);
    await usageError([HTTP, '--clients'], /option --clients needs a value/);
    await usageError([HTTP, '--clients', '2', '--rate', '-1'], /--rate needs/);
    await usageError([HTTP, '--clients', '2', '--ramp', '0'], /--ramp needs a positive number/);
    await usageError([HTTP, '--clients', '2', '--duration', 'x'], /--duration needs/);
    await usageError([HTTP, '--clients', '2', '--payload-bytes', '1.5'], /--payload-bytes needs/);
    await usageError([HTTP, '--clients', '2', '--threads', '3'], /--threads cannot exceed --clients/);
    await usageError([HTTP, '--clients', '2', '--event', 'connect'], /reserved/);
    await usageError([HTTP, '--clients', '2', '--transports', 'carrier-pigeon'], /unknown transport/);
    await usageError([HTTP, '--clients', '2', '--count', '3'], /--count does not apply/);
    await usageError([HTTP, '--clients', '2', '--frobnicate'], /unknown option --frobnicate/);
    await usageError(['ftp://127.0.0.1/', '--clients', '2'], /bad URL|a Socket\.IO URL starts with/);
  });
});

describe('twinsock bench: runs', { concurrency: 2 }, () => {
  let server;
  before(async () => {
    server = await startServer('load-server.mjs');
  });
  after(async () => {
    await server?.stop();
  });

  test('20 clients, 10 msg/s each for 2 s with acks: every client connects, acks match sends', async () => {
    const result = await runToEnd(
      ['bench', `http://127.0.0.1:${server.port}/`, '--clients', '20', '--rate', '10', '--duration', '2', '--ack', '--json',
        '--query', 'echo=1'],
      { stdin: '' },
    );
    assert.equal(result.code, 0, show(result));
    const r = report(result);
    assert.equal(r.clients, 20, show(result));
    assert.equal(r.connected, 20, show(result));
    assert.equal(r.connect_failed, 0, show(result));
    assert.deepEqual(r.errors, {}, show(result));
    assert.ok(r.connect_time_s > 0 && r.connect_time_s < 10, show(result));
    assert.ok(r.duration_s >= 1.9 && r.duration_s < 4, show(result));
    // 20 clients x 10/s x 2 s = 400 messages, give or take the first and last tick.
    assert.ok(r.sent >= 300 && r.sent <= 440, `sent ${r.sent}\n${show(result)}`);
    assert.equal(r.acked + r.ack_failed + r.unacked, r.sent, show(result));
    assert.ok(r.acked >= r.sent - 2, `acked ${r.acked} of ${r.sent}\n${show(result)}`);
    // echo=1: the load server sends "message-back" for every "message".
    assert.ok(r.received >= r.acked - 2, `received ${r.received}\n${show(result)}`);
    const l = r.latency_us;
    assert.ok(l.p50 > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, JSON.stringify(l));
    assert.ok(r.cpu_s > 0 && r.max_rss_kb > 0, show(result));
    const stats = await getJson(server.port, '/stats');
    assert.ok(stats.messages >= r.sent, `the server counted ${stats.messages} of ${r.sent}`);
  });

  test('without --json: a human table on stdout; idle clients with --rate 0', async () => {
    const result = await runToEnd(['bench', `http://127.0.0.1:${server.port}/`, '--clients', '5', '--duration', '0.5', '--threads', '2'], { stdin: '' });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /connected\s+5 of 5 in [\d.]+ s, 0 failed/, show(result));
    assert.match(result.stdout, /sent\s+0 /, show(result));
    assert.match(result.stdout, /memory\s+[\d,]+ KB max RSS/, show(result));
    // stderr is not a terminal here: the progress lines are plain lines.
    assert.ok(!result.stderr.includes('\r'), show(result));
    assert.match(result.stderr, /connected 5\/5/, show(result));
  });

  test('--quiet: nothing on stderr', async () => {
    const result = await runToEnd(['bench', `http://127.0.0.1:${server.port}/`, '--clients', '2', '--duration', '0', '--quiet', '--json'], { stdin: '' });
    assert.equal(result.code, 0, show(result));
    assert.equal(result.stderr, '', show(result));
    const r = report(result);
    assert.equal(r.connected, 2);
    assert.equal(r.latency_us.p50, null, 'no acks, no latency');
    assert.ok('mean' in r.latency_us && r.latency_us.mean === null, 'latency_us has the same keys without samples');
    assert.equal(r.send_rate_missed, false, show(result));
  });

  test('acks slower than 5 s (under the 10 s default ack timeout) are waited for, not "still owed"', async () => {
    const result = await runToEnd(['bench', `http://127.0.0.1:${server.port}/`, '--clients', '2', '--rate', '4',
      '--duration', '0.6', '--ack', '--json', '-q', '--query', 'ack_delay=5500'], { stdin: '', exitMs: 30_000 });
    assert.equal(result.code, 0, show(result));
    const r = report(result);
    assert.ok(r.sent > 0, show(result));
    assert.equal(r.acked, r.sent, show(result));
    assert.equal(r.unacked, 0, show(result));
    assert.ok(r.latency_us.min >= 5_000_000, show(result));
  });

  test('acks that never come back fail after --ack-timeout: counted, and the exit code is 1', async () => {
    // The load server acks "message" and "message-with-ack" only.
    const result = await runToEnd(['bench', `http://127.0.0.1:${server.port}/`, '--clients', '2', '--rate', '10',
      '--duration', '0.5', '--ack', '--ack-timeout', '300', '--event', 'unanswered', '--json', '-q'], { stdin: '' });
    assert.equal(result.code, 1, show(result));
    const r = report(result);
    assert.equal(r.connected, 2, show(result));
    assert.ok(r.sent > 0, show(result));
    assert.equal(r.ack_failed, r.sent, show(result));
    assert.equal(r.acked, 0, show(result));
    assert.equal(r.latency_us.mean, null, show(result));
  });

  test('a rate the run cannot reach is flagged in the table and the JSON', async () => {
    const args = ['bench', `http://127.0.0.1:${server.port}/`, '--clients', '4', '--rate', '100000', '--duration', '0.3', '-q'];
    const table = await runToEnd(args, { stdin: '', exitMs: 30_000 });
    assert.match(table.stdout, /sent\s+[\d,]+ \(\d+\/s, below the 400,000\/s asked\)/, show(table));
    const r = report(await runToEnd([...args, '--json'], { stdin: '', exitMs: 30_000 }));
    assert.equal(r.send_rate_target, 400000);
    assert.equal(r.send_rate_missed, true);
  });

  test('Ctrl-C while running: the report is printed (interrupted), exit 130', async () => {
    const tool = run(['bench', `http://127.0.0.1:${server.port}/`, '--clients', '3', '--rate', '5', '--duration', '30',
      '--json']);
    const deadline = Date.now() + 10_000;
    while (!/running/.test(tool.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    tool.signal('SIGINT');
    const result = await tool.exit();
    assert.equal(result.code, 130, show(result));
    const r = report(result);
    assert.equal(r.interrupted, true, show(result));
    assert.equal(r.connected, 3, show(result));
  });
});

test('twinsock bench: a closed port: every connect fails, errors by id, exit 1', async () => {
  const port = await unusedPort();
  const result = await runToEnd(['bench', `http://127.0.0.1:${port}/`, '--clients', '10', '--rate', '5', '--duration', '1', '--json'], { stdin: '' });
  assert.equal(result.code, 1, show(result));
  const r = report(result);
  assert.equal(r.connected, 0, show(result));
  assert.equal(r.connect_failed, 10, show(result));
  assert.equal(r.sent, 0, show(result));
  const total = Object.values(r.errors).reduce((a, b) => a + b, 0);
  assert.equal(total, 10, show(result));
  assert.ok(Object.keys(r.errors).every((id) => /^TWINSOCK_ERR_CONNECT_(REFUSED|FAILED)$/.test(id)), JSON.stringify(r.errors));
});

test('twinsock bench: a server that closes before the namespace answers: every connect fails, exit 1', async () => {
  // The Engine.IO handshake succeeds, then the server closes the session (as a middleware
  // calling socket.conn.close() does): the run used to wait in "connecting" for ever.
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' });
    if (req.method === 'GET' && !new URL(req.url, 'http://x').searchParams.has('sid'))
      res.end('0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    else if (req.method === 'GET') res.end('1');  // the close packet
    else res.end('ok');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const result = await runToEnd(['bench', `http://127.0.0.1:${server.address().port}/`, '--clients', '3',
      '--duration', '1', '--transports', 'polling', '--json'], { stdin: '', exitMs: 20_000 });
    assert.equal(result.code, 1, show(result));
    const r = report(result);
    assert.equal(r.connected, 0, show(result));
    assert.equal(r.connect_failed, 3, show(result));
  } finally {
    server.close();
  }
});
