// Served as /twinsock/dist/index.js only while build/npm is missing (see server.mjs):
// socket.io-client's own browser bundle, plus thin stand-ins for twinsock's two other
// clients over the browser's WebSocket and EventSource, so that the page and the
// browser tests can run before the WASM package is built. The page reports
// window.demoClient = "socket.io-client" with it, and the browser tests fail on that.
export { io } from '/socket.io/socket.io.esm.min.js';

export const demoFallback = 'socket.io-client';

/// Handlers set as `onX` properties plus addEventListener, as on the DOM objects.
class Target extends EventTarget {
  fire(type, init, event = new Event(type)) {
    Object.assign(event, init);
    this[`on${type}`]?.(event);
    this.dispatchEvent(event);
  }
}

export class ReconnectingWebSocket extends Target {
  constructor(url, protocols, options = {}) {
    super();
    Object.assign(this, { url, protocols, delay: options.minDelay ?? 250, closed: false });
    this.open();
  }
  get readyState() {
    return this.closed ? WebSocket.CLOSED : this.ws.readyState;
  }
  open() {
    this.ws = new WebSocket(this.url, this.protocols);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = () => this.fire('open');
    this.ws.onmessage = (e) => this.fire('message', null, new MessageEvent('message', { data: e.data }));
    this.ws.onclose = (e) => {
      this.fire('close', null, new CloseEvent('close', { code: e.code, reason: e.reason, wasClean: e.wasClean }));
      if (!this.closed) setTimeout(() => this.closed || this.open(), this.delay);
    };
  }
  send(data) {
    this.ws.send(data);
  }
  close(code, reason) {
    this.closed = true;
    this.ws.close(code, reason);
  }
}

export class EventSourceClient extends Target {
  constructor(url, options = {}) {
    super();
    this.es = new EventSource(url, options);
    this.es.onopen = () => this.fire('open');
    this.es.onerror = () => this.fire('error');
    this.es.onmessage = (e) => this.fire('message', null, new MessageEvent('message', { data: e.data, lastEventId: e.lastEventId }));
  }
  get readyState() {
    return this.es.readyState;
  }
  get lastEventId() {
    return this.last ?? '';
  }
  addEventListener(type, listener, options) {
    if (!['open', 'error', 'message'].includes(type) && !this.listening?.has(type)) {
      (this.listening ??= new Set()).add(type);
      this.es.addEventListener(type, (e) => this.fire(type, null, new MessageEvent(type, { data: e.data, lastEventId: e.lastEventId })));
    }
    super.addEventListener(type, listener, options);
  }
  fire(type, init, event) {
    if (event?.lastEventId !== undefined) this.last = event.lastEventId;
    super.fire(type, init, event);
  }
  close() {
    this.es.close();
  }
}
