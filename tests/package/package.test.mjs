// The npm package as a user gets it: `npm pack` of the assembled package
// (TWINSOCK_NPM_DIR, default build/npm), installed offline from the tarball into
// a fresh consumer folder, then
//   (a) imported by an ESM script in a child `node --experimental-websocket` (the
//       global WebSocket) against the `ws` echo server and the Socket.IO server
//       of tests/servers: io() connect, emit with an ack, emitWithAck (binary
//       too), ReconnectingWebSocket echo of text and binary;
//   (b) the same without a global WebSocket and with `ws` in the consumer's
//       node_modules (the fallback of dist/core.js);
//   (c) tests/types/consumer.ts type-checked (tsc) against the installed package.
// Also checks the tarball's file list and package.json, and prints the package
// size (raw and gzip -9 of the .wasm and of all JavaScript in dist).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM_DIR = resolve(process.env.TWINSOCK_NPM_DIR ?? join(ROOT, 'build', 'npm'));
const SERVERS = join(ROOT, 'tests', 'servers');
const TYPES_DIR = join(ROOT, 'tests', 'types');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const WS_PACKAGE = join(ROOT, 'node_modules', 'ws');

// npm run by `npm test` exports npm_config_* (prefix, cache, ...): the child npm must not inherit them.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

/** Runs a command to its end (or kills it after `timeout` ms); resolves with {code, signal, stdout, stderr}. */
function run(cmd, args, { cwd, env = cleanEnv, timeout = 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolvePromise({ code, signal, stdout, stderr }); });
  });
}

const describeRun = (r) => `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** Starts one of tests/servers on a free port; resolves with {port, stop()} once it printed {"port":N}. */
function startServer(script) {
  const child = spawn(process.execPath, [join(SERVERS, script), '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((r) => child.on('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`${script} did not listen within 10 s:\n${output}`)); }, 10_000);
    child.stderr.on('data', (d) => (output += d));
    child.stdout.on('data', (d) => {
      output += d;
      const m = /\{"port":(\d+)\}/.exec(output);
      if (m) { clearTimeout(timer); resolvePromise({ port: Number(m[1]), stop }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${script} exited with ${code}:\n${output}`)); });
  });
}

// The consumer's script: exercises the installed package, prints one JSON line of findings.
const SMOKE = String.raw`
import * as twinsock from 'twinsock';
import io, { ReconnectingWebSocket, TwinsockError } from 'twinsock';

const { SIO_PORT, WS_PORT } = process.env;
const watchdog = setTimeout(() => { console.error('smoke: timed out; so far: ' + JSON.stringify(result)); process.exit(3); }, 20000);
const result = {
  globalWebSocket: typeof globalThis.WebSocket === 'function',
  wsResolvable: await import('ws').then(() => true, () => false),
  exports: Object.keys(twinsock).sort(),
};
const within = (what, fn) => new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(what + ': timed out')), 8000);
  fn((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
});

// Socket.IO: default transports (polling, then the upgrade), with acks and binary.
const socket = io('http://127.0.0.1:' + SIO_PORT + '/', { forceNew: true, reconnection: false });
const welcome = await within('welcome', (ok, fail) => {
  socket.on('welcome', ok);
  socket.on('connect_error', fail);
});
result.welcomeIsId = welcome === socket.id && socket.connected;
result.ackArgs = await within('emit ack', (ok) => socket.emit('message-with-ack', 1, 'two', { three: [3] }, (...args) => ok(args)));
const bytes = await socket.emitWithAck('message-with-ack', Buffer.from([1, 2, 3]));
result.binaryAck = Buffer.isBuffer(bytes) ? [...bytes] : String(bytes);
result.timeoutAck = await within('timeout ack', (ok) => socket.timeout(5000).emit('message-with-ack', 'x', (err, value) => ok([err, value])));
try {
  await socket.timeout(1).emitWithAck('never-answered');  // the server has no such event: no ack
  result.timeoutError = 'resolved';
} catch (e) {
  result.timeoutError = e instanceof TwinsockError ? e.code : String(e);
}

// Socket.IO over WebSocket only: the WebSocket implementation (global or ws) carries it.
const wsOnly = io('http://127.0.0.1:' + SIO_PORT + '/custom', { forceNew: true, transports: ['websocket'], reconnection: false });
result.wsOnlyTransport = await wsOnly.emitWithAck('transport');
result.wsOnlyNsp = await wsOnly.emitWithAck('nsp');

// ReconnectingWebSocket: text and binary echoes.
const ws = new ReconnectingWebSocket('ws://127.0.0.1:' + WS_PORT + '/echo');
result.echoes = await within('echoes', (ok, fail) => {
  const got = [];
  ws.onopen = () => { ws.send('hello'); ws.send(new Uint8Array([7, 8, 9])); };
  ws.onerror = (e) => fail(e.error);
  ws.addEventListener('message', (e) => {
    got.push(typeof e.data === 'string' ? e.data : e.data instanceof ArrayBuffer ? [...new Uint8Array(e.data)] : String(e.data));
    if (got.length === 2) ok(got);
  });
});
result.wsClose = await within('close', (ok) => {
  ws.onclose = (e) => ok({ code: e.code, wasClean: e.wasClean, readyState: ws.readyState });
  ws.close(1000, 'done');
});

socket.disconnect();
wsOnly.disconnect();
socket.io.close();
wsOnly.io.close();
clearTimeout(watchdog);
console.log(JSON.stringify(result));
process.exit(0);
`;

const EXPORTS = ['Engine', 'EventSourceClient', 'Manager', 'ReconnectingWebSocket', 'Socket', 'TwinsockError', 'connect', 'default', 'io', 'protocol'];

function checkSmoke(r, { globalWebSocket }) {
  assert.equal(r.code, 0, describeRun(r));
  const line = r.stdout.trim().split('\n').pop();
  const result = JSON.parse(line);
  assert.equal(result.globalWebSocket, globalWebSocket);
  assert.equal(result.wsResolvable, !globalWebSocket, 'ws is in node_modules exactly in the fallback run');
  assert.deepEqual(result.exports, EXPORTS);
  assert.equal(result.welcomeIsId, true);
  assert.deepEqual(result.ackArgs, [1, 'two', { three: [3] }]);
  assert.deepEqual(result.binaryAck, [1, 2, 3]);
  assert.deepEqual(result.timeoutAck, [null, 'x']);
  assert.equal(result.timeoutError, 'TWINSOCK_ERR_ACK_TIMEOUT');
  assert.equal(result.wsOnlyTransport, 'websocket');
  assert.equal(result.wsOnlyNsp, '/custom');
  assert.deepEqual(result.echoes, ['hello', [7, 8, 9]]);
  assert.deepEqual(result.wsClose, { code: 1000, wasClean: true, readyState: 3 });
  return result;
}

const fmt = (n) => n.toLocaleString('en-US');

describe('npm package', () => {
  let work;
  let consumer;
  let tarball;
  let packed;
  let servers = [];

  before(async () => {
    assert.ok(existsSync(join(NPM_DIR, 'package.json')), `no package in ${NPM_DIR}: build the twinsock_npm target first`);
    work = mkdtempSync(join(tmpdir(), 'twinsock-package-'));
    const pack = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: NPM_DIR });
    assert.equal(pack.code, 0, `npm pack: ${describeRun(pack)}`);
    [packed] = JSON.parse(pack.stdout);
    tarball = join(work, packed.filename);
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    const install = await run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: consumer });
    assert.equal(install.code, 0, `npm install --offline: ${describeRun(install)}`);
    servers = await Promise.all([startServer('ws-server.mjs'), startServer('sio-server.mjs')]);
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (work && !process.env.TWINSOCK_KEEP_TEMP) rmSync(work, { recursive: true, force: true });
  });

  test('the tarball holds dist/*, package.json and README.md only', () => {
    const files = packed.files.map((f) => f.path).sort();
    for (const f of files) {
      assert.ok(f === 'package.json' || f === 'README.md' || /^dist\/[^/]+$/.test(f), `unexpected file in the tarball: ${f}`);
      assert.ok(!/\.map$/.test(f) && !/(^|\/)tests?\//.test(f) && !/\.test\./.test(f), `source map or test in the tarball: ${f}`);
    }
    for (const f of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/core.js',
                     'dist/twinsock_core.mjs', 'dist/twinsock_core.wasm']) {
      assert.ok(files.includes(f), `${f} is missing from the tarball`);
    }
    // Every relative import of the facade is in the tarball.
    const dist = join(consumer, 'node_modules', 'twinsock', 'dist');
    for (const f of readdirSync(dist).filter((n) => n.endsWith('.js'))) {
      for (const [, spec] of readFileSync(join(dist, f), 'utf8').matchAll(/from '(\.\/[^']+)'/g)) {
        assert.ok(files.includes(`dist/${spec.slice(2)}`), `${f} imports ${spec}, which is not packed`);
      }
    }
  });

  test('package.json: ESM, exports with "types" first, no dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules', 'twinsock', 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'twinsock');
    assert.equal(pkg.type, 'module');
    assert.match(pkg.version, /^\d+\.\d+\.\d+/);
    const root = pkg.exports['.'];
    assert.equal(Object.keys(root)[0], 'types', `exports["."] must list "types" first: ${JSON.stringify(root)}`);
    assert.equal(root.types, './dist/index.d.ts');
    assert.equal(root.default, './dist/index.js');
    assert.equal(pkg.types, './dist/index.d.ts');
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.peerDependenciesMeta?.ws?.optional, true);
  });

  test('package size', (t) => {
    const dist = join(consumer, 'node_modules', 'twinsock', 'dist');
    const names = readdirSync(dist);
    const measure = (filter) => {
      const bytes = Buffer.concat(names.filter(filter).sort().map((n) => readFileSync(join(dist, n))));
      return { raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
    };
    const wasm = measure((n) => n.endsWith('.wasm'));
    const js = measure((n) => /\.m?js$/.test(n));
    assert.ok(wasm.raw > 0 && js.raw > 0);
    const line = `package size: wasm ${fmt(wasm.raw)} B (${fmt(wasm.gz)} gz), js ${fmt(js.raw)} B (${fmt(js.gz)} gz), ` +
                 `total gz ${fmt(wasm.gz + js.gz)} B (tarball ${fmt(packed.size)} B)`;
    console.log(line);
    t.diagnostic(line);
  });

  test('(a) node --experimental-websocket: the global WebSocket', async () => {
    writeFileSync(join(consumer, 'smoke.mjs'), SMOKE);
    assert.ok(!existsSync(join(consumer, 'node_modules', 'ws')));
    const env = { ...cleanEnv, SIO_PORT: String(servers[1].port), WS_PORT: String(servers[0].port) };
    const r = await run(process.execPath, ['--experimental-websocket', 'smoke.mjs'], { cwd: consumer, env, timeout: 30_000 });
    checkSmoke(r, { globalWebSocket: true });
  });

  test('(b) no global WebSocket: the `ws` peer in the consumer', async () => {
    writeFileSync(join(consumer, 'smoke.mjs'), SMOKE);
    symlinkSync(WS_PACKAGE, join(consumer, 'node_modules', 'ws'), 'dir');
    // Node 22+ has the global by default: turn it off there.
    const probe = await run(process.execPath, ['-e', 'process.exit(typeof WebSocket === "function" ? 1 : 0)']);
    const flags = probe.code === 0 ? [] : ['--no-experimental-websocket'];
    const env = { ...cleanEnv, SIO_PORT: String(servers[1].port), WS_PORT: String(servers[0].port) };
    const r = await run(process.execPath, [...flags, 'smoke.mjs'], { cwd: consumer, env, timeout: 30_000 });
    checkSmoke(r, { globalWebSocket: false });
  });

  test('a .wasm that is not the module (an index.html fallback): the import fails and says so', async () => {
    // A copy of the installed package whose .wasm a server replaced: the import must not hang.
    const broken = join(work, 'broken');
    cpSync(join(consumer, 'node_modules', 'twinsock'), join(broken, 'node_modules', 'twinsock'), { recursive: true });
    writeFileSync(join(broken, 'node_modules', 'twinsock', 'dist', 'twinsock_core.wasm'), '<!doctype html><p>app</p>');
    writeFileSync(join(broken, 'load.mjs'), "import('twinsock').then(() => console.log('loaded'), (e) => console.log('failed: ' + e.message));\n");
    const r = await run(process.execPath, ['load.mjs'], { cwd: broken, timeout: 15_000 });
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, /^failed: twinsock: .*twinsock_core\.wasm is not twinsock's WebAssembly module/, describeRun(r));
  });

  test('(c) tests/types/consumer.ts type-checks against the installed package', async () => {
    copyFileSync(join(TYPES_DIR, 'consumer.ts'), join(consumer, 'consumer.ts'));
    // The types test's options, without its "paths" (build/npm): "twinsock" resolves in node_modules.
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      extends: join(TYPES_DIR, 'tsconfig.json'),
      compilerOptions: { paths: {} },
      files: ['consumer.ts'],
    }, null, 2));
    const r = await run(process.execPath, [TSC, '-p', join(consumer, 'tsconfig.json'), '--listFiles'], { cwd: consumer });
    assert.equal(r.code, 0, `tsc: ${describeRun(r)}`);
    const installedTypes = join(consumer, 'node_modules', 'twinsock', 'dist', 'index.d.ts');
    assert.ok(r.stdout.split('\n').includes(installedTypes), `tsc did not use ${installedTypes}:\n${r.stdout}`);
  });
});
