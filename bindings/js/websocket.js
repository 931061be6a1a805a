// ReconnectingWebSocket: the DOM WebSocket's surface (partysocket's), with
// reconnection, an offline queue and heartbeats from the C++ ws::Client.
import { core } from './core.js';
import { DomEmitter, withHandlerProperties } from './emitter.js';
import { TwinsockError, reportListenerError, toError } from './errors.js';
import { keepAlive, own, release, weakDispatcher } from './lifetime.js';
import { deliverTrace, tracer } from './debug.js';

const STATES = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };

export class ReconnectingWebSocket extends DomEmitter {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  #native;
  #disposed = false;
  #urlProvider;     // partysocket's `url` as a function: asked before every attempt
  #asyncProvider = false;
  #nextUrl = '';    // its latest answer
  #answered = false;  // the constructor asked it: the first attempt uses that answer
  #wantOpen;        // an async provider's first answer is awaited: connect then, unless closed meanwhile
  #trace;
  binaryType = 'arraybuffer';

  constructor(url, protocols, options) {
    super();
    if (protocols !== undefined && !Array.isArray(protocols) && typeof protocols !== 'string') [protocols, options] = [undefined, protocols];
    options = { ...(options ?? {}) };
    if (protocols !== undefined) options.protocols = Array.isArray(protocols) ? protocols : [protocols];
    this.#trace = tracer(options.debug, 'websocket');
    options.trace = !!this.#trace;
    options.urlProvider = typeof url === 'function';
    let first;
    if (options.urlProvider) {
      this.#urlProvider = url;
      first = this.#refreshUrl();
      this.#answered = true;
      this.#wantOpen = !options.startClosed;
      if (first) options.startClosed = true;  // a Promise: connect once it settles
    }
    this.#native = new core.WebSocketClient(this.#urlProvider ? this.#nextUrl : String(url), JSON.stringify(options),
                                            weakDispatcher(this, '_onNative'));
    own(this, this.#native);
    keepAlive(this, !options.startClosed || this.#wantOpen);
    first?.finally(() => { if (this.#wantOpen && !this.#disposed) this.#native.connect(); });
  }

  /** Asks the URL provider; returns a Promise when its answer is one (#nextUrl is set when it settles). */
  #refreshUrl() {
    let answer;
    try {
      answer = this.#urlProvider();
    } catch (error) {
      reportListenerError(error);  // the previous URL is used
      return undefined;
    }
    if (typeof answer?.then !== 'function') {
      this.#nextUrl = String(answer);
      return undefined;
    }
    this.#asyncProvider = true;
    return Promise.resolve(answer).then((u) => { this.#nextUrl = String(u); }, reportListenerError);
  }

  get readyState() { return this.#native.readyState(); }
  get url() { return this.#native.url(); }
  get protocol() { return this.#native.protocol(); }
  get extensions() { return ''; }
  get bufferedAmount() { return this.#native.bufferedAmount(); }
  get retryCount() { return this.#native.retryCount(); }

  /** Sends now when open, else queues. Throws a TwinsockError (.code) when the queue refuses it. */
  send(data) {
    let failure;
    if (typeof data === 'string') failure = this.#native.send(data);
    else if (data instanceof ArrayBuffer) failure = this.#native.sendBinary(new Uint8Array(data));
    else if (ArrayBuffer.isView(data)) failure = this.#native.sendBinary(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    else failure = this.#native.send(String(data));
    if (failure) throw new TwinsockError({ code: failure, message: 'send failed' });
  }

  close(code = 1000, reason = '') {
    this.#wantOpen = false;
    this.#native.close(code, reason);
  }
  reconnect(code = 1000, reason = '') {
    if (this.#disposed) return;  // a freed client stays closed
    keepAlive(this, true);
    this.#answered = false;
    this.#native.reconnect(code, reason);
  }
  connect() {
    if (this.#disposed) return;  // a freed client stays closed
    keepAlive(this, true);
    this.#answered = false;
    this.#native.connect();
  }
  /** Closes at once and frees the client; nothing is delivered afterwards. */
  dispose() {
    this.#disposed = true;
    keepAlive(this, false);
    release(this, this.#native);
  }

  _onNative(type, value, extra) {
    switch (type) {
      case 'open':
        return this.fire('open', { type: 'open', target: this });
      case 'message': {
        let data = value;
        if (typeof value !== 'string') {
          data = this.binaryType === 'blob' && typeof Blob === 'function' ? new Blob([value]) : value.buffer;
        }
        return this.fire('message', { type: 'message', data, target: this });
      }
      case 'close':
        // The client reports CONNECTING again once it has scheduled a reconnection,
        // right after this event: only a client closed for good may be collected.
        queueMicrotask(() => {
          if (this.readyState === STATES.CLOSED) keepAlive(this, false);
        });
        return this.fire('close', { type: 'close', code: value.code, reason: value.reason, wasClean: value.wasClean,
                                         error: toError(value.error), target: this });
      case 'error': {
        const error = toError(value);
        return this.fire('error', { type: 'error', error, message: error.message, target: this });
      }
      case 'reconnecting':
        if (this.#asyncProvider) this.#refreshUrl();  // settles during the delay, ready for the attempt
        return this.fire('reconnecting', { type: 'reconnecting', attempt: value, delay: extra, target: this });
      case 'trace':
        return deliverTrace(this.#trace, value);
      case 'url':  // before every attempt: a function provider is asked now, a Promise one was asked already
        if (!this.#asyncProvider && !this.#answered) this.#refreshUrl();
        this.#answered = false;
        return this.#nextUrl;
      default:
        return undefined;
    }
  }
}
Object.assign(ReconnectingWebSocket.prototype, STATES);
withHandlerProperties(ReconnectingWebSocket, ['open', 'message', 'close', 'error']);
