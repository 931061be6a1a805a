// A fault-injecting TCP proxy for the chaos tests (loopback only, Node's stdlib only).
// It forwards every connection to one target and, on command, cuts (FIN), resets (RST),
// black-holes, delays, fragments or refuses connections, or cuts them after N bytes,
// periodically, or in the middle of a WebSocket upgrade.
//
// JS:  const proxy = await startChaosProxy({ target: { host, port }, port: 0 });
//      proxy.cut(); proxy.latency(50, 10); proxy.stats(); await proxy.close();
// CLI: node proxy.mjs --target 127.0.0.1:PORT [--port P]
//      prints {"port":N}, then answers each JSON command line of stdin ({"cmd":"cut"}, ...)
//      with one JSON line ({"ok":true}, stats adds its fields, errors {"ok":false,"error":"..."});
//      exits when stdin closes.
import { createServer, connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const LOOPBACK = '127.0.0.1';
/** How long a cut connection may take to finish its FIN exchange before it is destroyed. */
const LINGER_MS = 2000;
/** The most of a request's head failUpgrade looks at before deciding it is no upgrade. */
const MAX_HEAD = 16 * 1024;

/**
 * One direction of a connection: the chunks read from `from` waiting to be written to
 * `to`, in order, each no earlier than its due time (latency), one byte at a time when split.
 */
class Lane {
  constructor(proxy, conn, from, to, counter) {
    Object.assign(this, { proxy, conn, from, to, counter });
    this.items = [];   // { due, data } | { due, action }
    this.lastDue = 0;  // latency never reorders: a chunk is due no earlier than the previous one
    this.timer = null;
    this.passed = 0;   // bytes forwarded so far (for cutAfterBytes)
    this.limit = 0;    // cut once this many bytes passed (0: never)
  }

  push(data) {
    const { ms, jitter } = this.proxy.delay;
    const wanted = Date.now() + (ms > 0 ? Math.max(0, ms + (Math.random() * 2 - 1) * jitter) : 0);
    this.lastDue = Math.max(wanted, this.lastDue);
    if (this.limit > 0) {
      const room = this.limit - this.passed - this.queuedBytes();
      if (room <= 0) return;
      if (data.length >= room) {
        this.items.push({ due: this.lastDue, data: data.subarray(0, room) });
        this.items.push({ due: this.lastDue, action: () => this.conn.cut() });
        return this.pump();
      }
    }
    this.items.push({ due: this.lastDue, data });
    this.pump();
  }

  /** Runs `action` once every chunk queued before it was written (e.g. forwarding a FIN). */
  then(action) {
    this.items.push({ due: this.lastDue, action });
    this.pump();
  }

  queuedBytes() {
    let n = 0;
    for (const item of this.items) if (item.data) n += item.data.length;
    return n;
  }

  drop() {
    this.items = this.items.filter((item) => item.action);  // a dead link loses bytes, not FINs
    this.lastDue = 0;
  }

  pump() {
    if (this.timer || this.busy || this.conn.closed) return;
    if (this.to.connecting) {  // upstream bytes wait for the connection, so split writes stay apart
      if (!this.waiting) this.to.once('connect', () => { this.waiting = false; this.pump(); });
      this.waiting = true;
      return;
    }
    while (this.items.length && !this.proxy.stalled && !this.conn.closed) {
      const item = this.items[0];
      const wait = item.due - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => { this.timer = null; this.pump(); }, wait);
        return;
      }
      if (item.action) {
        this.items.shift();
        item.action();
        continue;
      }
      if (this.proxy.fragment) {
        // One byte per turn of the event loop, each once the previous one left, so the peer reads them apart.
        this.busy = true;
        setImmediate(() => {
          if (this.conn.closed || this.proxy.stalled || item !== this.items[0]) return void (this.busy = false);
          this.write(item.data.subarray(0, 1), () => { this.busy = false; this.pump(); });
          item.data = item.data.subarray(1);
          if (!item.data.length) this.items.shift();
        });
        return;
      }
      this.items.shift();
      this.write(item.data);
    }
  }

  write(data, written) {
    this.passed += data.length;
    this.proxy.counters[this.counter] += data.length;
    if (!this.to.write(data, written) && !this.from.isPaused()) {
      this.from.pause();  // backpressure: read no more than the other side takes
      this.to.once('drain', () => this.from.resume());
    }
  }

  cancel() {
    clearTimeout(this.timer);
    this.timer = null;
  }
}

/** A client connection and its upstream twin. */
class Link {
  constructor(proxy, client) {
    this.proxy = proxy;
    this.client = client;
    this.closed = false;     // the proxy gave up on it (cut, reset, a side failed)
    this.counted = false;    // counted in stats().cuts already
    this.head = undefined;   // the request head failUpgrade inspects (null: not inspected)
    this.failedInStall = null;  // a side that failed while stalled: the other learns once unstalled
    this.upstream = connect({ host: proxy.target.host, port: proxy.target.port, allowHalfOpen: true });
    for (const s of [client, this.upstream]) {
      s.setNoDelay(true);
      s.on('error', () => {});  // 'close' follows and does the work
    }
    this.up = new Lane(proxy, this, client, this.upstream, 'bytesUp');
    this.down = new Lane(proxy, this, this.upstream, client, 'bytesDown');
    const { bytes, direction } = proxy.cutAfter;
    if (bytes > 0) (direction === 'up' ? this.up : this.down).limit = bytes;

    client.on('data', (d) => this.fromClient(d));
    this.upstream.on('data', (d) => this.fromServer(d));
    // A FIN is forwarded after the bytes before it; a stalled link forwards it once unstalled.
    client.on('end', () => this.up.then(() => this.upstream.end()));
    this.upstream.on('end', () => this.down.then(() => client.end()));
    client.on('close', (hadError) => this.sideClosed(this.upstream, hadError));
    this.upstream.on('close', (hadError) => this.sideClosed(client, hadError));
  }

  fromClient(data) {
    if (this.proxy.stalled || this.closed) return;
    if (this.head === undefined) this.head = this.proxy.upgradeFails ? Buffer.alloc(0) : null;
    if (this.head) return this.inspectHead(data);
    this.up.push(data);
  }

  fromServer(data) {
    if (this.proxy.stalled || this.closed) return;
    this.down.push(data);
  }

  /** failUpgrade: holds the request head; a WebSocket upgrade gets half of it, then the cut. */
  inspectHead(data) {
    this.head = Buffer.concat([this.head, data]);
    const end = this.head.indexOf('\r\n\r\n');
    if (end < 0 && this.head.length < MAX_HEAD) return;
    const head = this.head;
    this.head = null;
    const text = head.subarray(0, end < 0 ? head.length : end).toString('latin1');
    if (/^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/.test(text) && /\r\nupgrade:[ \t]*websocket[ \t]*(\r\n|$)/i.test(text)) {
      this.up.push(head.subarray(0, Math.max(1, Math.floor((end < 0 ? head.length : end) / 2))));
      this.up.then(() => this.cut());
      return;
    }
    this.up.push(head);
  }

  /** The other side closed: an orderly close was forwarded by its lane; a failure tears this one down. */
  sideClosed(other, hadError) {
    if (hadError && this.proxy.stalled) this.failedInStall = other;
    else if (hadError) this.destroy(other);
    if (this.client.destroyed && this.upstream.destroyed) this.proxy.forget(this);
  }

  count() {
    if (this.counted) return;
    this.counted = true;
    this.proxy.cuts++;
  }

  /** FIN to both sides; whatever was queued is dropped. */
  cut() {
    if (this.closed) return;
    this.count();
    this.closed = true;
    for (const lane of [this.up, this.down]) lane.cancel();
    for (const s of [this.client, this.upstream]) {
      if (s.destroyed) continue;
      s.end();
      setTimeout(() => s.destroy(), LINGER_MS).unref();
    }
  }

  /** RST to both sides. */
  reset() {
    if (this.client.destroyed && this.upstream.destroyed) return;
    this.count();
    this.closed = true;
    for (const lane of [this.up, this.down]) lane.cancel();
    for (const s of [this.client, this.upstream]) this.destroy(s, true);
  }

  destroy(socket, rst = false) {
    this.closed = true;
    if (socket.destroyed) return;
    if (rst && typeof socket.resetAndDestroy === 'function' && socket._handle) socket.resetAndDestroy();
    else socket.destroy();
  }

  /** stall(true): what is in flight is lost, as on a dead link. */
  dropQueued() {
    this.up.drop();
    this.down.drop();
    if (this.head) this.head = Buffer.alloc(0);
  }

  resume() {
    this.up.pump();
    this.down.pump();
    if (this.failedInStall) this.destroy(this.failedInStall);
  }
}

class ChaosProxy {
  constructor(target) {
    this.target = target;
    this.links = new Set();
    this.delay = { ms: 0, jitter: 0 };
    this.stalled = false;
    this.fragment = false;
    this.cutAfter = { bytes: 0, direction: 'down' };
    this.cutTimer = null;
    this.upgradeFails = false;
    this.refusing = false;
    this.counters = { bytesUp: 0, bytesDown: 0 };
    this.connections = 0;
    this.refused = 0;
    this.cuts = 0;
    this.server = createServer({ allowHalfOpen: true }, (client) => this.accept(client));
    this.port = 0;
  }

  async listen(port) {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, LOOPBACK, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = this.server.address().port;
    return this;
  }

  accept(client) {
    this.connections++;
    if (this.refusing) {
      this.refused++;
      client.on('error', () => {});
      client.destroy();
      return;
    }
    this.links.add(new Link(this, client));
  }

  forget(link) {
    this.links.delete(link);
  }

  cut() {
    for (const link of this.links) link.cut();
  }

  reset() {
    for (const link of this.links) link.reset();
  }

  stall(on = true) {
    this.stalled = Boolean(on);
    for (const link of this.links) {
      if (this.stalled) link.dropQueued();
      else link.resume();
    }
  }

  latency(ms, jitter = 0) {
    this.delay = { ms: Math.max(0, Number(ms) || 0), jitter: Math.max(0, Number(jitter) || 0) };
  }

  split(on = true) {
    this.fragment = Boolean(on);
  }

  cutAfterBytes(bytes, direction = 'down') {
    if (direction !== 'up' && direction !== 'down') throw new Error(`direction must be "up" or "down", not ${direction}`);
    this.cutAfter = { bytes: Math.max(0, Number(bytes) || 0), direction };
  }

  cutEvery(ms) {
    clearInterval(this.cutTimer);
    this.cutTimer = null;
    if (Number(ms) > 0) this.cutTimer = setInterval(() => this.cut(), Number(ms));
  }

  failUpgrade(on = true) {
    this.upgradeFails = Boolean(on);
  }

  refuse(on = true) {
    this.refusing = Boolean(on);
  }

  stats() {
    return {
      connections: this.connections,
      open: this.links.size,
      bytesUp: this.counters.bytesUp,
      bytesDown: this.counters.bytesDown,
      cuts: this.cuts,
      refused: this.refused,
    };
  }

  async close() {
    this.cutEvery(0);
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const link of this.links) {
      link.closed = true;
      for (const lane of [link.up, link.down]) lane.cancel();
      link.client.destroy();
      link.upstream.destroy();
    }
    this.links.clear();
    await closed;
  }
}

/** Starts a proxy on 127.0.0.1:`port` (0: any free port) forwarding to `target`. */
export async function startChaosProxy({ target, port = 0 }) {
  if (!target || !target.port) throw new Error('startChaosProxy needs target: { host, port }');
  const proxy = new ChaosProxy({ host: target.host || LOOPBACK, port: Number(target.port) });
  await proxy.listen(port);
  return {
    get port() { return proxy.port; },
    cut: () => proxy.cut(),
    reset: () => proxy.reset(),
    stall: (on = true) => proxy.stall(on),
    latency: (ms, jitter = 0) => proxy.latency(ms, jitter),
    split: (on = true) => proxy.split(on),
    cutAfterBytes: (bytes, direction = 'down') => proxy.cutAfterBytes(bytes, direction),
    cutEvery: (ms) => proxy.cutEvery(ms),
    failUpgrade: (on = true) => proxy.failUpgrade(on),
    refuse: (on = true) => proxy.refuse(on),
    stats: () => proxy.stats(),
    close: () => proxy.close(),
  };
}

/** Runs one CLI command against `proxy`; returns the answer object. */
export function runCommand(proxy, command) {
  const flag = (name) => {
    if (typeof command[name] !== 'boolean') throw new Error(`"${command.cmd}" needs a boolean "${name}"`);
    return command[name];
  };
  const number = (name, fallback) => {
    const value = command[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`"${command.cmd}" needs a non-negative number "${name}"`);
    }
    return value;
  };
  switch (command.cmd) {
    case 'cut': proxy.cut(); break;
    case 'reset': proxy.reset(); break;
    case 'stall': proxy.stall(flag('on')); break;
    case 'latency': proxy.latency(number('ms'), number('jitter', 0)); break;
    case 'split': proxy.split(flag('on')); break;
    case 'cutAfterBytes': proxy.cutAfterBytes(number('bytes'), command.direction ?? 'down'); break;
    case 'cutEvery': proxy.cutEvery(number('ms')); break;
    case 'failUpgrade': proxy.failUpgrade(flag('on')); break;
    case 'refuse': proxy.refuse(flag('on')); break;
    case 'stats': return { ok: true, ...proxy.stats() };
    default: throw new Error(`unknown command ${JSON.stringify(command.cmd)}`);
  }
  return { ok: true };
}

function parseTarget(text) {
  const match = /^(.*):(\d+)$/.exec(text || '');
  if (!match) throw new Error('usage: node proxy.mjs --target HOST:PORT [--port P]');
  return { host: match[1].replace(/^\[|\]$/g, '') || LOOPBACK, port: Number(match[2]) };
}

async function main(args) {
  const option = (name) => {
    const at = args.lastIndexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const proxy = await startChaosProxy({ target: parseTarget(option('--target')), port: Number(option('--port') || 0) });
  const say = (answer) => process.stdout.write(JSON.stringify(answer) + '\n');
  say({ port: proxy.port });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    try {
      const command = JSON.parse(line);
      if (!command || typeof command !== 'object') throw new Error('a command is a JSON object');
      say(runCommand(proxy, command));
    } catch (e) {
      say({ ok: false, error: e.message });
    }
  });
  lines.on('close', async () => {
    await proxy.close();
    process.exit(0);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`proxy: ${e.message}\n`);
    process.exit(2);
  });
}
