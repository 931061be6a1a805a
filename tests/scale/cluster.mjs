// A scale-out Socket.IO deployment on loopback, for tests: redis-server (the adapter's
// bus), two Socket.IO nodes "A" and "B" (node-server.mjs) and nginx balancing them with
// sticky sessions. Everything runs as the current user, on free ports, with every
// config, pid, log and temp file in one temp dir that is removed on exit.
// Usage: node cluster.mjs --sticky ip_hash|cookie
//   ip_hash: nginx `ip_hash`; the client's address is taken from X-Forwarded-For
//            (realip), so loopback clients can stand for clients of different networks.
//   cookie:  nginx routes on the `scale_node` cookie the nodes set on the handshake;
//            without it (the handshake, or a client without a cookie jar) it balances
//            round-robin. A dead node's cookie falls back to the other node.
// Prints {"port":LB,"nodes":{"A":PA,"B":PB}} once everything listens, then answers one
// JSON line per JSON command line on stdin:
//   {"cmd":"broadcast","node":"B","room":"r","event":"e","data":X} -> {"ok":true}
//   {"cmd":"sessions"} -> {"ok":true,"sessions":{"<sid>":{"A":requests,"B":requests}}}
//   {"cmd":"kill","node":"A"} -> {"ok":true} once the node (SIGKILL) is gone
// Stops everything when stdin closes or on SIGTERM/SIGINT/SIGHUP.
import { fork, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { within } from '../support/servers.mjs';

const SETUP_HINT = 'run `bash scripts/setup` (it installs nginx, redis-server and the npm packages)';

const children = new Set();  // every process started, stopped on exit
let stopping = false;
let dir;

const args = process.argv.slice(2);
const sticky = args[args.indexOf('--sticky') + 1];

function fail(message) {
  console.error(`cluster.mjs: ${message}`);
  stop(2);
}

// Stops every child and waits for it (so none is left running or unreaped): nginx and
// redis-server get SIGTERM (an nginx master killed outright leaves its worker behind),
// the nodes SIGKILL; whatever is still there after 3 s is killed.
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const exited = (child) => child.exitCode !== null || child.signalCode !== null;
  const gone = [...children].map((child) => (exited(child) ? null : new Promise((r) => child.once('exit', r))));
  for (const child of children) child.kill(child.graceful ? 'SIGTERM' : 'SIGKILL');
  await within(Promise.all(gone), 3_000, 'children to exit').catch(() => {
    for (const child of children) child.kill('SIGKILL');
  });
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

// A binary from PATH or the sbin dirs (not in a non-root user's PATH on Debian).
function findBinary(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const d of dirs.filter(Boolean)) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {}
  }
  throw new Error(`${name} is missing: ${SETUP_HINT}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts a binary (stopped with SIGTERM) and keeps its output for error messages.
function start(command, argv) {
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.graceful = true;
  child.output = '';
  child.stdout.on('data', (d) => (child.output += d));
  child.stderr.on('data', (d) => (child.output += d));
  children.add(child);
  return child;
}

// Resolves when `test()` holds, rejects when the child exits first.
function ready(child, what, test) {
  return within(
    new Promise((resolve, reject) => {
      const check = async () => {
        if (await test()) return resolve();
        if (child.exitCode !== null || child.signalCode) return;
        setTimeout(check, 20);
      };
      child.on('exit', (code) => reject(new Error(`${what} exited (${code}): ${child.output.trim()}`)));
      check();
    }),
    10_000,
    `${what} to start`,
  );
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

// A free port can be taken by someone else before the server binds it: try a few.
async function withFreePort(what, launch) {
  let last;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      await launch(port);
      return port;
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`could not start ${what}: ${last.message}`);
}

async function startRedis(redisServer, port) {
  const redis = start(redisServer, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--logfile', '',
  ]);
  await ready(redis, 'redis-server', () => redis.output.includes('Ready to accept connections'));
}

async function startNode(name, redisPort) {
  const script = new URL('./node-server.mjs', import.meta.url).pathname;
  const node = fork(script, ['--name', name, '--redis', `redis://127.0.0.1:${redisPort}`], {
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  children.add(node);
  let stderr = '';
  node.stderr.on('data', (d) => {
    stderr += d;
    process.stderr.write(d);
  });
  const port = await within(
    new Promise((resolve, reject) => {
      node.on('message', (m) => m.port && resolve(m.port));
      node.on('exit', (code) => {
        const hint = /Cannot find (package|module)/.test(stderr) ? ` (${SETUP_HINT})` : '';
        reject(new Error(`node ${name} exited (${code}) before listening${hint}`));
      });
    }),
    10_000,
    `node ${name} to listen`,
  );
  return { name, port, process: node, pending: new Map(), nextId: 1 };
}

function nginxConfig(port, a, b) {
  const server = (p, extra = '') => `server 127.0.0.1:${p}${extra};`;
  const upstreams =
    sticky === 'ip_hash'
      ? `upstream scale_nodes { ip_hash; ${server(a)} ${server(b)} }`
      : `map $cookie_scale_node $scale_nodes { A scale_a; B scale_b; default scale_any; }
    upstream scale_a { ${server(a)} ${server(b, ' backup')} }
    upstream scale_b { ${server(b)} ${server(a, ' backup')} }
    upstream scale_any { ${server(a)} ${server(b)} }`;
  const target = sticky === 'ip_hash' ? 'scale_nodes' : '$scale_nodes';
  // As root, workers would run as nobody, who cannot enter the temp dir.
  const user = process.getuid?.() === 0 ? 'user root root;' : '';
  return `${user}
worker_processes 1;
error_log ${dir}/nginx-error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  ${upstreams}
  server {
    listen 127.0.0.1:${port};
    set_real_ip_from 127.0.0.0/8;
    real_ip_header X-Forwarded-For;
    location / {
      proxy_pass http://${target};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_buffering off;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }
  }
}
`;
}

async function startNginx(nginx, a, b) {
  return withFreePort('nginx', async (port) => {
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, nginxConfig(port, a, b));
    const proc = start(nginx, ['-p', dir, '-c', conf, '-g', 'daemon off;']);
    await ready(proc, 'nginx', () => accepts(port)).catch((e) => {
      proc.kill('SIGTERM');
      throw e;
    });
  });
}

// Sends a command to a node and waits for its answer.
function ask(node, message) {
  const id = node.nextId++;
  return within(
    new Promise((resolve, reject) => {
      node.pending.set(id, { resolve, reject });
      node.process.send({ id, ...message });
    }),
    5_000,
    `node ${node.name} to answer ${message.cmd}`,
  );
}

function attach(node) {
  node.process.on('message', (m) => {
    const waiter = node.pending.get(m.id);
    if (!waiter) return;
    node.pending.delete(m.id);
    waiter.resolve(m);
  });
  node.process.on('exit', () => {
    for (const { reject } of node.pending.values()) reject(new Error(`node ${node.name} is gone`));
    node.pending.clear();
  });
}

async function command(nodes, cmd) {
  const node = nodes[cmd.node];
  switch (cmd.cmd) {
    case 'broadcast':
      if (!node) throw new Error(`no node ${cmd.node}`);
      return ask(node, { cmd: 'broadcast', room: cmd.room, event: cmd.event, data: cmd.data });
    case 'sessions': {
      const sessions = {};
      for (const n of Object.values(nodes)) {
        if (n.process.exitCode !== null || n.process.signalCode) continue;
        const reply = await ask(n, { cmd: 'sessions' });
        for (const [sid, count] of Object.entries(reply.sessions)) (sessions[sid] ??= {})[n.name] = count;
      }
      return { ok: true, sessions };
    }
    case 'kill': {
      if (!node) throw new Error(`no node ${cmd.node}`);
      if (node.process.exitCode === null && !node.process.signalCode) {
        const gone = new Promise((resolve) => node.process.once('exit', resolve));
        node.process.kill('SIGKILL');
        await gone;
      }
      return { ok: true };
    }
    default:
      throw new Error(`unknown command ${cmd.cmd}`);
  }
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => stop(0));

try {
  if (!['ip_hash', 'cookie'].includes(sticky)) throw new Error('usage: node cluster.mjs --sticky ip_hash|cookie');
  const redisServer = findBinary('redis-server');
  const nginx = findBinary('nginx');
  dir = mkdtempSync(join(tmpdir(), 'twinsock-scale-'));
  // The nodes load while redis starts (their redis clients retry until it listens).
  const redisPort = await freePort();
  const [, a, b] = await Promise.all([
    startRedis(redisServer, redisPort),
    startNode('A', redisPort),
    startNode('B', redisPort),
  ]);
  const nodes = { A: a, B: b };
  for (const n of [a, b]) attach(n);
  const port = await startNginx(nginx, a.port, b.port);
  process.stdout.write(`${JSON.stringify({ port, nodes: { A: a.port, B: b.port } })}\n`);

  // Commands run one at a time, answered in order.
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      let reply;
      try {
        reply = await command(nodes, JSON.parse(line));
      } catch (e) {
        reply = { ok: false, error: e.message };
      }
      process.stdout.write(`${JSON.stringify(reply)}\n`);
    });
  });
  lines.on('close', () => queue.then(() => stop(0)));
} catch (e) {
  fail(e.message);
}
