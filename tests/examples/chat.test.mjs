// examples/chat end to end: the native program and the WASM one (under node) get the
// same stdin against tests/servers/chat-server.mjs, and must print the same transcript.
//
// Environment (set by tests/examples/CMakeLists.txt):
//   CHAT_NATIVE    the native program (build/native/examples/chat/chat)
//   CHAT_WASM      the WASM program (build/wasm/examples/chat/chat.mjs)
//   CHAT_REQUIRED  which of them must exist ("native" or "native,wasm"); a missing one
//                  that is not required skips its tests with a message saying so.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { io } from 'socket.io-client';

const here = dirname(fileURLToPath(import.meta.url));
const serverScript = join(here, '..', 'servers', 'chat-server.mjs');
const required = (process.env.CHAT_REQUIRED ?? 'native,wasm').split(',').filter(Boolean);
const RUN_LIMIT_MS = 20_000;

const programs = {
  native: { path: process.env.CHAT_NATIVE, command: (args) => [process.env.CHAT_NATIVE, args] },
  wasm: { path: process.env.CHAT_WASM, command: (args) => [process.execPath, [process.env.CHAT_WASM, ...args]] },
};
for (const [name, p] of Object.entries(programs)) {
  p.present = Boolean(p.path) && existsSync(p.path);
  if (!p.present && required.includes(name))
    throw new Error(`the ${name} chat is required here but missing: CHAT_${name.toUpperCase()}=${p.path ?? '(unset)'}` +
      (name === 'native' ? ' (build it: cmake --build build/native --target chat)' : ' (build it: cmake --build build/wasm --target chat)'));
  p.skip = p.present ? false : `no ${name} chat at ${p.path ?? '(CHAT_' + name.toUpperCase() + ' unset)'}; build it to run this leg`;
}

function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/// Starts chat-server.mjs on a free port.
async function startServer() {
  const proc = spawn(process.execPath, [serverScript, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await within(
    new Promise((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))).port);
      });
      proc.on('exit', (code) => reject(new Error(`chat-server exited with ${code}`)));
    }),
    10_000,
    'chat-server to listen',
  );
  proc.stdout.resume();
  return { port, stop: () => proc.kill('SIGTERM') };
}

/// The environment without proxy settings (a proxy on the machine must not change what the tests see).
function env() {
  const e = { ...process.env };
  for (const k of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy']) delete e[k];
  return e;
}

/// Spawns one chat program; stdin stays open until end().
function startChat(program, args) {
  const [cmd, argv] = programs[program].command(args);
  const proc = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: env() });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  proc.stdin.on('error', () => {});
  const killer = setTimeout(() => proc.kill('SIGKILL'), RUN_LIMIT_MS);
  const done = new Promise((resolve) => proc.on('close', (code, signal) => {
    clearTimeout(killer);
    resolve({ code, signal });
  }));
  const describe = () => `${program} chat ${args.join(' ')}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
  const lines = () => stdout.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
  return {
    write: (text) => proc.stdin.write(text),
    end: () => proc.stdin.end(),
    lines,
    describe,
    /// Waits (bounded) until stdout has the line `line`.
    async waitForLine(line, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!lines().includes(line)) {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`exited before printing "${line}"\n${describe()}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for "${line}"\n${describe()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async exit(ms = 15_000) {
      const result = await within(done, ms, `the program to exit\n${describe()}`).catch((e) => {
        proc.kill('SIGKILL');
        throw e;
      });
      return { ...result, lines: lines(), stdout, stderr, describe: describe() };
    },
  };
}

/// A socket.io-client user in the room; `heard` collects what the room says to it.
async function joinAs(port, room, name) {
  const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
  const heard = [];
  socket.on('chat', (m) => heard.push(`[${m.room}] ${m.name}: ${m.text}`));
  socket.on('joined', (m) => heard.push(`* ${m.name} joined`));
  socket.on('left', (m) => heard.push(`* ${m.name} left`));
  const answer = await within(socket.emitWithAck('join', { room, name }), 10_000, `${name} to join ${room}`);
  assert.deepEqual(answer, { room });
  return { socket, heard };
}

let server;
const url = () => `http://127.0.0.1:${server.port}`;
const transcripts = { native: {}, wasm: {} };

before(async () => {
  server = await startServer();
});
after(() => server?.stop());

// The lines typed: plain text, an empty line (not sent), UTF-8, a CRLF line ending.
const TYPED = 'hello\n\nhéllo wörld ✓\r\nlast one\r\n';

// A conversation: alice (the program) joins, bob (socket.io-client) joins and speaks,
// alice types, stdin ends, alice leaves.
async function conversation(program, room) {
  const chat = startChat(program, [url(), room, 'alice']);
  let bob;
  try {
    await chat.waitForLine(`joined ${room}`);
    bob = await joinAs(server.port, room, 'bob');
    await chat.waitForLine('* bob joined');
    bob.socket.emit('chat', 'hi alice');
    await chat.waitForLine(`[${room}] bob: hi alice`);
    chat.write(TYPED);
    chat.end();
    const result = await chat.exit();
    assert.equal(result.code, 0, result.describe);
    // bob heard alice's messages and her leaving (the program waited for its acks, then left).
    const deadline = Date.now() + 5000;
    while (!bob.heard.includes('* alice left') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(bob.heard, [
      `[${room}] bob: hi alice`,
      `[${room}] alice: hello`,
      `[${room}] alice: héllo wörld ✓`,
      `[${room}] alice: last one`,
      '* alice left',
    ], result.describe);
    return result;
  } finally {
    bob?.socket.close();
  }
}

// All of stdin at once, ending before the connection is even up: the lines wait for the join.
async function pipedAtOnce(program, room) {
  const chat = startChat(program, [url(), room, 'carol']);
  chat.write('one\ntwo\nthree');  // the last line has no newline
  chat.end();
  const result = await chat.exit();
  assert.equal(result.code, 0, result.describe);
  return result;
}

for (const program of ['native', 'wasm']) {
  describe(`${program} chat`, { skip: programs[program].skip }, () => {
    test('a conversation: joined, others come and speak, every typed line, left; exit 0', async () => {
      const room = 'lobby';
      const result = await conversation(program, room);
      assert.deepEqual(result.lines, [
        `joined ${room}`,
        '* bob joined',
        `[${room}] bob: hi alice`,
        `[${room}] alice: hello`,
        `[${room}] alice: héllo wörld ✓`,
        `[${room}] alice: last one`,
        'left',
      ], result.describe);
      transcripts[program].conversation = result.lines;
    });

    test('stdin already at its end before connecting: every line still goes out, then left', async () => {
      const result = await pipedAtOnce(program, 'quick');
      assert.deepEqual(result.lines, ['joined quick', '[quick] carol: one', '[quick] carol: two', '[quick] carol: three', 'left'],
        result.describe);
      transcripts[program].piped = result.lines;
    });

    test('bad arguments: usage on stderr, exit 2', async () => {
      const result = await startChat(program, [url()]).exit();
      assert.equal(result.code, 2, result.describe);
      assert.match(result.stderr, /usage: chat URL ROOM NAME/);
      assert.deepEqual(result.lines, []);
    });

    test('nothing listening: an error on stderr, exit 1', async () => {
      const { createServer } = await import('node:net');
      const probe = createServer();
      await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address();
      await new Promise((resolve) => probe.close(resolve));
      const chat = startChat(program, [`http://127.0.0.1:${port}`, 'lobby', 'dave']);
      const result = await chat.exit();
      assert.equal(result.code, 1, result.describe);
      assert.match(result.stderr, /chat: cannot connect/, result.describe);
    });
  });
}

const bothSkip = programs.native.skip || programs.wasm.skip;
test('native and WASM print the same transcripts', { skip: bothSkip && `comparison skipped: ${bothSkip}` }, () => {
  for (const scenario of ['conversation', 'piped']) {
    assert.ok(transcripts.native[scenario] && transcripts.wasm[scenario], `the ${scenario} test failed on one side`);
    assert.deepEqual(transcripts.wasm[scenario], transcripts.native[scenario], scenario);
  }
});
