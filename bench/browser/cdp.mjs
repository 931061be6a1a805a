// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (Chromium reads
// NUL-terminated JSON messages on its fd 3 and writes them on fd 4), for the Chromium leg
// of `npm run bench`. Not playwright on purpose: playwright enables the Network domain on
// every page, so Chromium serializes every WebSocket frame into a DevTools event, which
// costs far more CPU per message than the clients being measured.
import { spawn } from 'node:child_process';

export class Cdp {
  /** Starts `executable` with `args` (plus --remote-debugging-pipe); `env` for the process. */
  static launch(executable, args, env) {
    const child = spawn(executable, [...args, '--remote-debugging-pipe'],
                        { env, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    return new Cdp(child);
  }

  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map();
    this.stderr = '';
    this.exited = new Promise((resolve) => child.on('exit', resolve));
    child.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    let buffer = '';
    child.stdio[4].on('data', (data) => {
      buffer += data;
      for (let end; (end = buffer.indexOf('\0')) >= 0; buffer = buffer.slice(end + 1)) this.dispatch(JSON.parse(buffer.slice(0, end)));
    });
    child.on('exit', (code, signal) => {
      for (const { reject } of this.pending.values()) reject(new Error(`Chromium exited (${signal ?? code}): ${this.stderr.trim().split('\n').pop()}`));
      this.pending.clear();
    });
  }

  dispatch(message) {
    if (message.id !== undefined) {
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) call?.reject(new Error(`${call.method}: ${message.error.message}`));
      else call?.resolve(message.result);
      return;
    }
    for (const handler of this.listeners.get(message.method) ?? []) handler(message.params, message.sessionId);
  }

  /** Sends a command (to the browser, or to the attached target of `sessionId`); resolves to its result. */
  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.child.stdio[3].write(JSON.stringify({ id, method, params, ...(sessionId && { sessionId }) }) + '\0');
    });
  }

  /** Calls `handler(params, sessionId)` on every event `method`. */
  on(method, handler) {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), handler]);
  }

  /** Closes the browser (Browser.close, then SIGKILL after `ms`). */
  async close(ms = 10_000) {
    this.send('Browser.close').catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    await this.exited;
    clearTimeout(timer);
  }
}
