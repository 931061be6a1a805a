// socket.io-client's `socket.io.engine`: the Engine.IO session under a Manager.
// One object per session, so listeners added to it stay with that session, as
// with engine.io-client: a reconnection makes a new one.
//   events: "upgrade" ({ name }: the new transport), "close" (reason)
import { Emitter } from './emitter.js';

export class Engine extends Emitter {
  #native;
  #name;  // the transport last seen: the session's while it lives, its last one after

  /** `firstTransport`: the name until the session has one (the Manager's first transport). */
  constructor(native, firstTransport) {
    super();
    this.#native = native;
    this.#name = firstTransport;
  }

  /** The session id the server gave (empty until its handshake arrives). */
  get id() { return this.#native.engineId(); }
  /** The transport, as engine.io-client's: `transport.name` is "polling" or "websocket". */
  get transport() {
    if (!this.#retired) this._seen();
    return { name: this.#name };
  }

  #retired = false;
  /** The session opened or upgraded: its transport's name is kept for after its end. */
  _seen() { this.#name = this.#native.transport() || this.#name; }
  /** The session ended: the Manager's next session gets a new Engine. */
  _retire(reason) {
    this.#retired = true;
    this.emitReserved('close', reason);
  }
}
