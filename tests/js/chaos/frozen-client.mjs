// A Socket.IO client (the npm package) in a process of its own, for the suspend/resume
// scenario: the test freezes it (or SIGSTOPs it) while the link dies, then watches what
// it does once awake. Usage: node frozen-client.mjs URL (TWINSOCK_NPM_DIR set).
// Writes one JSON line per event on stdout, "t" being Date.now() (shared with the test):
//   {"ev":"connect"} {"ev":"disconnect","reason":...} {"ev":"error","code":...}
//   {"ev":"ack","id":I,"error":code|null,"answer":[...]} {"ev":"freezing"} {"ev":"woke"}
// Reads commands on stdin, one JSON line each:
//   {"cmd":"emit","id":I}           emits "message-with-ack" I (sio-server.mjs acks with I),
//                                   with an error-first ack
//   {"cmd":"freeze","ms":N,"id":I}  blocks the whole thread N ms (no timer, no I/O runs:
//                                   a machine asleep), then, first thing awake, emits I
//                                   with an ack, as "emit" does
// It exits when stdin closes.
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { Manager } = await import(pathToFileURL(join(process.env.TWINSOCK_NPM_DIR, 'dist', 'index.js')).href);

// Pipes are written synchronously on Linux: a line is out before the next statement runs.
const say = (ev, fields = {}) => process.stdout.write(JSON.stringify({ ev, t: Date.now(), ...fields }) + '\n');

const manager = new Manager(process.argv[2], {
  transports: ['websocket'],
  reconnectionDelay: 100,
  reconnectionDelayMax: 300,
});
manager.on('error', (e) => say('error', { code: e.code }));
const socket = manager.socket('/');
socket.on('connect', () => say('connect'));
socket.on('disconnect', (reason) => say('disconnect', { reason }));

function emit(id) {
  socket.timeout(10_000).emit('message-with-ack', id, (error, ...answer) => say('ack', { id, error: error?.code ?? null, answer }));
}

/** Blocks this thread (and the event loop with it) for `ms`, as a suspended machine is. */
function freeze(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line);
  if (command.cmd === 'emit') return emit(command.id);
  if (command.cmd !== 'freeze') return;
  say('freezing');
  freeze(command.ms);
  // Nothing ran during the freeze: no timer fired, no socket was read. This emit is the
  // first thing the client does awake, so only the write itself can notice the dead link.
  const woke = Date.now();
  emit(command.id);
  say('woke', { t: woke });
});
lines.on('close', () => {
  manager.close();
  process.exit(0);
});
