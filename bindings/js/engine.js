// socket.io-client's `socket.io.engine`: the Engine.IO session under a Manager.
// One object per session, so listeners added to it stay with that session, as
// with engine.io-client: a reconnection makes a new one.
//   events: "upgrade" ({ name }: the new transport), "close" (reason)
import { Emitter } from './emitter.js';

export class Engine extends Emitter {
  #native;

  constructor(native) {
    super();
    this.#native = native;
  }

  /** The session id the server gave (empty until its handshake arrives). */
  get id() { return this.#native.engineId(); }
  /** The transport in use, as engine.io-client's: `transport.name` is "polling" or "websocket". */
  get transport() { return { name: this.#native.transport() }; }
}
