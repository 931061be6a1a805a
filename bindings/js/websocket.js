// ReconnectingWebSocket: the DOM WebSocket's surface (partysocket's), with
// reconnection, an offline queue and heartbeats from the C++ ws::Client.
import { isBlob } from './args.js';
import { BlobQueue } from './blob_queue.js';
import { core } from './core.js';
import { DomEmitter, safeCall, withHandlerProperties } from './emitter.js';
import { TwinsockError, toError } from './errors.js';
import { keepAlive, own, release, weakDispatcher } from './lifetime.js';
import { deliverTrace, tracer } from './debug.js';
import { Provider } from './provider.js';
import { resolveAgainstPage } from './page_url.js';

const STATES = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };
// As the DOM's WebSocket: relative to the page, and http(s) read as ws(s) (`url` shows that).
const webSocketUrl = (u) => resolveAgainstPage(u).replace(/^http(s?):/i, 'ws$1:');
/** What send(data) adds to bufferedAmount, as the DOM's WebSocket counts it (UTF-8 for text). */
const sendSize = (data) => (isBlob(data) ? data.size
  : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength
  : new TextEncoder().encode(String(data)).length);
const protocolList = (p) => (p == null ? [] : Array.isArray(p) ? p.map(String) : [String(p)]);

/** The DOM WebSocket constructor's checks: the URL parses, is ws(s) with no fragment. */
function checkedUrl(url) {
  let parsed;
  try {
    parsed = new URL(webSocketUrl(url));
  } catch {
    throw new DOMException(`invalid URL: ${url}`, 'SyntaxError');
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new DOMException(`a WebSocket URL is ws:, wss:, http: or https:, not ${parsed.protocol}`, 'SyntaxError');
  }
  if (parsed.hash || String(url).includes('#')) throw new DOMException('a WebSocket URL has no fragment', 'SyntaxError');
  return parsed.href;
}

/** ... and subprotocols: tokens (RFC 9110 §5.6.2), none offered twice. */
function checkProtocols(list) {
  const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  list.forEach((p, i) => {
    if (!token.test(p)) throw new DOMException(`invalid subprotocol "${p}"`, 'SyntaxError');
    if (list.indexOf(p) !== i) throw new DOMException(`subprotocol "${p}" offered twice`, 'SyntaxError');
  });
  return list;
}

/** The DOM WebSocket's close() checks: a code it may send, a reason of at most 123 bytes. */
function checkClose(code, reason) {
  if (code !== undefined) code = Number(code);  // WebIDL: close("3000") is close(3000)
  if (code !== 1000 && !(code >= 3000 && code <= 4999 && Number.isInteger(code))) {
    throw new DOMException(`close code ${code} is neither 1000 nor in 3000-4999`, 'InvalidAccessError');
  }
  if (new TextEncoder().encode(String(reason)).length > 123) {
    throw new DOMException('close reason is longer than 123 bytes', 'SyntaxError');
  }
  return code;
}

export class ReconnectingWebSocket extends DomEmitter {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  #native;
  #disposed = false;
  #url;        // partysocket's providers: `url` or `protocols` as a function, asked before every attempt
  #protocols;
  #wantOpen;   // an async provider's first answer is awaited: connect then, unless closed meanwhile
  // Sends waiting for a Blob's bytes, the Blob first; a failure then has no caller to
  // throw to: it is an "error" event.
  #behindBlob = new BlobQueue(
    (data) => (isBlob(data) ? data.arrayBuffer() : data),
    (given, data, failed) => {
      this.#waitingBytes -= sendSize(given);
      const failure = failed ? 'TWINSOCK_ERR_INVALID_ARGUMENT' : this.#sendNow(data);  // an unreadable Blob
      // Closed for good meanwhile (close() then send()): dropped, as the DOM's WebSocket does.
      if (!failure || failure === 'TWINSOCK_ERR_INVALID_STATE') return;
      const error = new TwinsockError({ code: failure, message: 'send failed' });
      this.fire('error', { type: 'error', error, message: error.message, target: this });
    });
  #waitingBytes = 0;  // of the sends in #behindBlob: they count in bufferedAmount already
  #trace;
  #givenUrl = '';  // a URL given as a string: `url` shows it before the first attempt reads it
  #binaryType = 'arraybuffer';
  #shouldReconnect;  // the user's rule, given the close event just fired
  #lastClose;

  constructor(url, protocols, options) {
    super();
    if (protocols != null && typeof protocols === 'object' && !Array.isArray(protocols)) [protocols, options] = [undefined, protocols];
    options = { ...(options ?? {}) };
    this.#trace = tracer(options.debug, 'websocket');
    options.trace = !!this.#trace;
    if (typeof url === 'function') this.#url = new Provider(url, webSocketUrl);
    else this.#givenUrl = checkedUrl(url);
    if (typeof protocols === 'function') this.#protocols = new Provider(protocols, protocolList);
    else if (protocols != null) options.protocols = checkProtocols(protocolList(protocols));
    else if (Array.isArray(options.protocols)) checkProtocols(protocolList(options.protocols));
    if (typeof options.shouldReconnect === 'function') this.#shouldReconnect = options.shouldReconnect;
    options.shouldReconnectProvider = !!this.#shouldReconnect;
    options.urlProvider = !!this.#url;
    options.protocolsProvider = !!this.#protocols;
    // The first attempt uses the answers asked for here; Promises are awaited before it.
    const pending = [this.#url?.ask(), this.#protocols?.ask()].filter(Boolean);
    this.#wantOpen = !options.startClosed;
    if (pending.length) options.startClosed = true;
    this.#native = new core.WebSocketClient(this.#url ? this.#url.value ?? '' : this.#givenUrl, JSON.stringify(options),
                                            weakDispatcher(this, '_onNative'));
    own(this, this.#native);
    keepAlive(this, this.#wantOpen);
    if (pending.length) Promise.allSettled(pending).then(() => { if (this.#wantOpen && !this.#disposed) this.#native.connect(); });
  }

  get readyState() { return this.#native.readyState(); }
  get url() { return this.#native.url() || this.#givenUrl; }
  get binaryType() { return this.#binaryType; }
  set binaryType(type) {  // as the DOM: another value is ignored
    if (type === 'arraybuffer' || type === 'blob') this.#binaryType = type;
  }
  get protocol() { return this.#native.protocol(); }
  get extensions() { return ''; }
  get bufferedAmount() { return this.#native.bufferedAmount() + this.#waitingBytes; }
  get retryCount() { return this.#native.retryCount(); }

  /** Sends now when open, else queues. Throws a TwinsockError (.code) when the queue refuses it. */
  send(data) {
    if (this.#behindBlob.add(data, isBlob(data))) {
      this.#waitingBytes += sendSize(data);
      return;
    }
    const failure = this.#sendNow(data);
    // Closed for good (the user's close()): dropped, as the DOM's WebSocket does.
    if (failure === 'TWINSOCK_ERR_INVALID_STATE' && !this.#disposed) return;
    if (failure) throw new TwinsockError({ code: failure, message: 'send failed' });
  }

  #sendNow(data) {
    if (typeof data === 'string') return this.#native.send(data);
    if (data instanceof ArrayBuffer) return this.#native.sendBinary(new Uint8Array(data));
    if (ArrayBuffer.isView(data)) return this.#native.sendBinary(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return this.#native.send(String(data));
  }

  close(code = 1000, reason = '') {
    code = checkClose(code, reason);
    this.#behindBlob.clear();  // what still waits for a Blob's bytes is not sent
    this.#waitingBytes = 0;
    this.#wantOpen = false;
    this.#native.close(code, reason);
    // Stopped while waiting to reconnect: closed at once, no event to wait for.
    if (this.readyState === STATES.CLOSED) keepAlive(this, false);
  }
  reconnect(code = 1000, reason = '') {
    code = checkClose(code, reason);
    if (this.#disposed) return;  // a freed client stays closed
    keepAlive(this, true);
    this.#forgetAnswers();
    this.#native.reconnect(code, reason);
  }
  connect() {
    if (this.#disposed) return;  // a freed client stays closed
    keepAlive(this, true);
    this.#forgetAnswers();
    this.#native.connect();
  }
  #forgetAnswers() {
    this.#url?.forget();
    this.#protocols?.forget();
  }
  /** Closes at once and frees the client; nothing is delivered afterwards. */
  dispose() {
    this.#disposed = true;
    this.#behindBlob.clear();
    keepAlive(this, false);
    release(this, this.#native);
  }

  _onNative(type, value, extra) {
    switch (type) {
      case 'open':
        return this.fire('open', { type: 'open', target: this });
      case 'message': {
        // Nothing after close(), as the DOM's WebSocket (the core delivers what arrives while closing).
        if (this.readyState !== STATES.OPEN) return undefined;
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
        this.#lastClose = { type: 'close', code: value.code, reason: value.reason, wasClean: value.wasClean,
                            error: toError(value.error), target: this };
        return this.fire('close', this.#lastClose);
      case 'shouldReconnect':
        return safeCall(this, this.#shouldReconnect, [this.#lastClose]) ? '1' : '0';
      case 'error': {
        const error = toError(value);
        return this.fire('error', { type: 'error', error, message: error.message, target: this });
      }
      case 'reconnecting':
        this.#url?.scheduled();  // an async answer settles during the delay, ready for the attempt
        this.#protocols?.scheduled();
        return this.fire('reconnecting', { type: 'reconnecting', attempt: value, delay: extra, target: this });
      case 'trace':
        return deliverTrace(this.#trace, value);
      case 'url':  // before every attempt
        return this.#url.take();
      case 'protocols':
        return JSON.stringify(this.#protocols.take() ?? null);
      default:
        return undefined;
    }
  }
}
Object.assign(ReconnectingWebSocket.prototype, STATES);
withHandlerProperties(ReconnectingWebSocket, ['open', 'message', 'close', 'error']);
