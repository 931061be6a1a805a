// Socket.IO: io(), Manager and Socket with socket.io-client 4.8's surface,
// over the C++ Manager and Socket of the wasm module (native.js).
import { core } from './core.js';
import { decodeArgs, encodeArgs, hasBlob, withBlobsRead } from './args.js';
import { BlobQueue } from './blob_queue.js';
import { Emitter, safeCall } from './emitter.js';
import { Engine } from './engine.js';
import { deliverTrace, tracer } from './debug.js';
import { TwinsockError, toError } from './errors.js';
import { keepAlive, own, weakDispatcher } from './lifetime.js';
import { pageBase } from './page_url.js';

const RESERVED_EVENTS = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const MANAGER_STATES = ['closed', 'opening', 'open'];
// The entries of sendBuffer snapshots: their socket, and the number that names each in its send buffer.
const bufferedSeq = new WeakMap();

function resolveUrl(uri) {
  const base = pageBase();
  if (uri === undefined) {
    if (!base) throw new TypeError('io(): a URL is required outside the browser');
    uri = '/';
  }
  // socket.io-client's url(): "localhost:3000" and "//host" take the page's protocol, or https outside a page.
  const protocol = base ? new URL(base).protocol : 'https:';
  if (uri.startsWith('//')) uri = protocol + uri;
  else if (!uri.startsWith('/') && !/^[a-z][a-z\d+.-]*:\/\//i.test(uri)) uri = `${protocol}//${uri}`;
  let url;
  try {
    url = new URL(uri, base);
  } catch {
    throw new TypeError(`io(): invalid URL: ${uri}`);
  }
  if (!/^(https?|wss?):$/.test(url.protocol)) throw new TypeError(`io(): unsupported URL scheme: ${url.protocol}`);
  return url;
}

/** What the core reads of a Manager's options (at creation, then before every attempt). */
function managerOptions(opts) {
  const out = { ...opts };
  for (const key of ['auth', 'forceNew', 'multiplex', 'ackTimeout', 'retries']) delete out[key];
  if (typeof out.query === 'string') out.query = Object.fromEntries(new URLSearchParams(out.query));
  // socket.io-client: `reconnectionAttempts || Infinity`, and `timeout: false` waits for ever.
  if (out.reconnectionAttempts === 0) delete out.reconnectionAttempts;
  if (out.timeout === false) out.timeout = NO_TIMEOUT;
  return out;
}

const NO_TIMEOUT = 1e12;  // ms: the core's longest Duration option

// socket.io-client's messages for a failed ack (code checks keep working with `.code`).
const ACK_MESSAGES = { TWINSOCK_ERR_ACK_TIMEOUT: 'operation has timed out',
                       TWINSOCK_ERR_NOT_CONNECTED: 'socket has been disconnected' };

// The options the Manager's setters change, in the order native.js's option(index) reads them.
const RECONNECTION_OPTIONS = ['reconnection', 'reconnectionAttempts', 'reconnectionDelay', 'reconnectionDelayMax',
                              'randomizationFactor', 'timeout'];

export class Manager extends Emitter {
  #native;
  #engine;
  #trace;
  #nsps = new Map();
  #url;
  #recheckQueued = false;

  constructor(uri, opts) {
    super();
    if (uri !== null && typeof uri === 'object' && !(uri instanceof URL)) [uri, opts] = [undefined, uri];
    opts = { ...(opts ?? {}) };
    const url = resolveUrl(uri === undefined ? undefined : String(uri));
    // A copy (never the caller's object), a string made an object, then the URL's own
    // parameters. Always an object, so that `socket.io.opts.query.token = ...` works
    // without a query given (socket.io-client leaves it undefined then).
    if (typeof opts.query === 'string') opts.query = Object.fromEntries(new URLSearchParams(opts.query));
    else opts.query = { ...opts.query };
    for (const [k, v] of url.searchParams) opts.query[k] = v;
    this.opts = opts;
    this.#url = `${url.protocol}//${url.host}`;
    this.#trace = tracer(opts.debug, 'socket.io');
    this.#native = new core.Manager(this.#url, JSON.stringify({ ...managerOptions(opts), trace: !!this.#trace }),
                                    weakDispatcher(this, '_onNative'));
    own(this, this.#native);
    this.uri = this.#url;
    if (opts.autoConnect !== false) this.open();
  }

  /** The Socket of namespace `nsp` (one per namespace, made on first use). */
  socket(nsp, opts) {
    nsp = String(nsp || '/');
    if (!nsp.startsWith('/')) nsp = `/${nsp}`;
    let socket = this.#nsps.get(nsp);
    if (!socket) {
      socket = new Socket(this, nsp, opts ?? {}, (o, dispatch) => this.#native.socket(nsp, o, dispatch));
      this.#nsps.set(nsp, socket);
      if (this.opts.autoConnect !== false) socket.connect();
    }
    return socket;
  }

  _hasSocket(nsp) { return this.#nsps.has(nsp); }

  /**
   * Kept alive while the connection is opening, open or coming back (its sockets with
   * it, through #nsps), as a browser keeps an open WebSocket: then collectable.
   */
  #keepAliveWhileBusy() {
    keepAlive(this, this.#native.busy());
  }
  /** After an event of the connection (its own or a socket's), once the core is done with it. */
  _recheckKeepAlive() {
    if (this.#recheckQueued) return;
    this.#recheckQueued = true;
    queueMicrotask(() => {
      this.#recheckQueued = false;
      this.#keepAliveWhileBusy();
    });
  }

  open(fn) {
    this.#native.open();
    this.#keepAliveWhileBusy();
    if (typeof fn === 'function') {
      const done = (err) => { this.off('open', onOpen); this.off('error', onError); safeCall(this, fn, [err]); };
      const onOpen = () => done();
      const onError = (err) => done(err);
      this.once('open', onOpen);
      this.once('error', onError);
    }
    return this;
  }
  connect(fn) { return this.open(fn); }

  close() {
    this.#native.close();
    this.#keepAliveWhileBusy();
    return this;
  }
  disconnect() { return this.close(); }

  // socket.io-client's setters: with an argument they change the option and return the
  // Manager (from the next attempt on; reconnection(false) also cancels a scheduled one),
  // without one they return its value.
  reconnection(v) { return this.#option(0, v === undefined ? v : !!v); }
  reconnectionAttempts(v) { return this.#option(1, v); }
  reconnectionDelay(v) { return this.#option(2, v); }
  reconnectionDelayMax(v) { return this.#option(3, v); }
  randomizationFactor(v) { return this.#option(4, v); }
  timeout(v) {  // false: no connect timeout (socket.io-client), kept as a time no attempt reaches
    if (v === undefined) return this.#option(5) >= NO_TIMEOUT ? false : this.#option(5);
    return this.#option(5, v === false ? NO_TIMEOUT : v);
  }

  #option(index, value) {
    const read = (i) => (i === 0 ? this.#native.option(0) === 1 : this.#native.option(i));
    if (value === undefined) return read(index);
    const name = RECONNECTION_OPTIONS[index];
    if (index > 0 && !(value >= 0 && typeof value === 'number')) throw new TypeError(`${name}(): not a number >= 0: ${value}`);
    this.opts[name] = value;
    // All six go (JSON has no Infinity: unlimited attempts are sent as a huge count).
    const all = Object.fromEntries(RECONNECTION_OPTIONS.map((n, i) => [n, i === index ? value : read(i)]));
    if (all.reconnectionAttempts === Infinity) all.reconnectionAttempts = 1e300;
    this.#native.reconfigure(JSON.stringify(all));
    return this;
  }

  get _readyState() { return MANAGER_STATES[this.#native.state()] ?? 'closed'; }
  /**
   * The Engine.IO session (engine.js): the one open or opening, else the next one, as
   * socket.io-client's (whose engine exists from open() on). A session's Engine says
   * "close" when it ends; listeners added after that go to the next one.
   */
  get engine() {
    const transports = this.opts.transports;
    return (this.#engine ??= new Engine(this.#native, (Array.isArray(transports) ? transports[0] : transports) ?? 'polling'));
  }

  /**
   * socket.io-client's `details` of "close" and "disconnect": why the connection was lost.
   * The core keeps a cause only for a lost connection (none once one opens, or after close()).
   */
  _closeDetails() {
    return toError(this.#native.closeCause()) ?? undefined;
  }

  /** The session ended: its Engine says "close" and the next session gets a new one. */
  #retireEngine(reason) {
    const engine = this.#engine;
    this.#engine = undefined;
    engine?._retire(reason);
  }

  _onNative(type, value) {
    try {
      return this.#dispatch(type, value);
    } finally {
      if (type !== 'trace' && type !== 'options') this._recheckKeepAlive();
    }
  }

  #dispatch(type, value) {
    switch (type) {
      case 'trace':
        return deliverTrace(this.#trace, value);
      case 'options':  // before every attempt: a changed socket.io.opts counts, as in socket.io-client
        return JSON.stringify(managerOptions(this.opts));
      case 'open':
        this.#engine?._seen();
        return this.emitReserved(type);
      case 'ping':
        return this.emitReserved(type);
      case 'upgrade':
        this.#engine?._seen();
        this.#engine?.emitReserved('upgrade', { name: value });
        return undefined;
      case 'error':
      case 'reconnect_error':
        if (this._readyState !== 'open') this.#retireEngine('transport error');  // a failed open
        return this.emitReserved(type, toError(value));
      case 'close':
        this.#retireEngine(value);
        return this.emitReserved('close', value, this._closeDetails());
      default:
        return this.emitReserved(type, value);
    }
  }
}

export class Socket extends Emitter {
  #native;
  #anyListeners = [];
  #anyOutgoingListeners = [];
  #acks = new Map();
  #nextAck = 1;
  // Emits waiting for a Blob's bytes (and those after them), in order.
  #behindBlobs = new BlobQueue(
    ([, args]) => withBlobsRead(args),
    ([event, args, ackId, flags, withAck], wire, failed) => {
      if (!failed) this.#sendNow(event, wire, args, ackId, flags, withAck);
      else this.#failEmit(event, ackId, 'TWINSOCK_ERR_INVALID_ARGUMENT');  // a Blob that could not be read
    });
  #flags = {};
  #opts;

  constructor(io, nsp, opts, makeNative) {
    super();
    this.io = io;
    this.nsp = nsp;
    this.auth = opts.auth;
    this.#opts = opts;
    // The core asks for `auth` before every CONNECT, so a changed `socket.auth` (or
    // one of its fields) counts from the next attempt, as with socket.io-client.
    const nativeOpts = { ...opts, authFunction: true };
    delete nativeOpts.auth;
    this.#native = makeNative(JSON.stringify(nativeOpts), weakDispatcher(this, '_onNative'));
  }

  get id() { return this.#native.id() || undefined; }
  get connected() { return this.#native.connected(); }
  get disconnected() { return !this.#native.connected(); }
  get active() { return this.#native.active(); }
  get recovered() { return this.#native.recovered(); }

  /** socket.io-client's sendBuffer: a frozen snapshot of the emits waiting for the next CONNECT. */
  get sendBuffer() {
    const { seqs, json, buffers } = this.#native.sendBuffer();
    return Object.freeze(decodeArgs(json, buffers).map((data, i) => {
      const packet = Object.freeze({ type: 2, nsp: this.nsp, data });
      bufferedSeq.set(packet, { socket: this, seq: seqs[i] });
      return packet;
    }));
  }
  /** Keeps only the listed entries of the snapshot: `socket.sendBuffer = []` drops every buffered emit. */
  set sendBuffer(list) {
    if (!Array.isArray(list)) throw new TypeError('sendBuffer: assign an array (socket.sendBuffer = [] drops every buffered emit)');
    const keep = list.map((packet) => {
      const entry = bufferedSeq.get(packet);
      if (entry?.socket !== this) throw new TypeError('sendBuffer: only entries read from this socket\'s sendBuffer can be kept; emit() adds new ones');
      return entry.seq;
    });
    this.#native.keepBuffered(keep);
  }

  // A Socket lives as long as its Manager, which keeps itself alive while busy.
  connect() {
    this.io.open();
    this.#native.connect();
    return this;
  }
  open() { return this.connect(); }

  disconnect() {
    this.#native.disconnect();
    return this;
  }
  close() { return this.disconnect(); }

  send(...args) { return this.emit('message', ...args); }

  emit(event, ...args) {
    if (RESERVED_EVENTS.has(event)) throw new Error(`"${event}" is a reserved event name`);
    const flags = this.#takeFlags();
    let ackId = 0;
    if (typeof args[args.length - 1] === 'function') {
      const fn = args.pop();
      // As socket.io-client: a timeout (per emit or ackTimeout) or the retries queue makes the ack error-first.
      const errorFirst = flags.timeout !== undefined || this.#opts.ackTimeout != null ||
                         (this.#opts.retries > 0 && !flags.volatile);
      ackId = this.#registerAck(fn, errorFirst ? 'error-first' : 'plain');
    }
    this.#send(event, args, ackId, flags, false);
    return this;
  }

  emitWithAck(event, ...args) {
    const flags = this.#takeFlags();
    return new Promise((resolve, reject) => {
      const ackId = this.#registerAck({ resolve, reject }, 'promise');
      this.#send(event, args, ackId, flags, true);
    });
  }

  timeout(ms) { this.#flags.timeout = ms; return this; }
  get volatile() { this.#flags.volatile = true; return this; }
  compress(value) { this.#flags.compress = value; return this; }

  onAny(fn) { this.#anyListeners.push(fn); return this; }
  prependAny(fn) { this.#anyListeners.unshift(fn); return this; }
  offAny(fn) { this.#anyListeners = fn ? this.#anyListeners.filter((l) => l !== fn) : []; return this; }
  listenersAny() { return [...this.#anyListeners]; }
  onAnyOutgoing(fn) { this.#anyOutgoingListeners.push(fn); return this; }
  prependAnyOutgoing(fn) { this.#anyOutgoingListeners.unshift(fn); return this; }
  offAnyOutgoing(fn) { this.#anyOutgoingListeners = fn ? this.#anyOutgoingListeners.filter((l) => l !== fn) : []; return this; }
  listenersAnyOutgoing() { return [...this.#anyOutgoingListeners]; }

  #takeFlags() {
    const flags = this.#flags;
    this.#flags = {};
    return flags;
  }

  #registerAck(target, kind) {
    const id = this.#nextAck++;
    this.#acks.set(id, { target, kind });
    return id;
  }

  #send(event, args, ackId, flags, withAck) {
    if (!this.#behindBlobs.add([event, args, ackId, flags, withAck], hasBlob(args)))
      this.#sendNow(event, args, args, ackId, flags, withAck);
  }

  /** `wire`: the arguments as they go out (Blobs read); `args`: as the user gave them. */
  #sendNow(event, wire, args, ackId, flags, withAck) {
    const { json, buffers } = encodeArgs(wire);
    // As setTimeout in socket.io-client: NaN and negative times out at once; no more than 1e12 ms.
    const timeout = flags.timeout === undefined ? -1 : Math.min(Math.max(Number(flags.timeout) || 0, 0), 1e12);
    const failure = this.#native.emit(String(event), json, buffers, ackId, timeout, !!flags.volatile,
                                      flags.compress !== false, withAck);
    if (failure) return this.#failEmit(event, ackId, failure);
    if (this.#anyOutgoingListeners.length === 0) return;
    for (const fn of [...this.#anyOutgoingListeners]) safeCall(this, fn, [event, ...args]);
  }

  #failEmit(event, ackId, failure) {
    const error = new TwinsockError({ code: failure, message: `emit("${event}") failed` });
    // The ack tells, if it can take an error; else (no ack, or a plain one, which never hears
    // of failures) the Manager's "error" does: a refused emit is never lost without a word.
    if (ackId && this.#acks.get(ackId).kind !== 'plain') {
      queueMicrotask(() => this.#onAck(ackId, { code: failure, message: error.message }, null));
    } else {
      this.#acks.delete(ackId);
      queueMicrotask(() => this.io.emitReserved('error', error));
    }
  }

  _onNative(type, a, b, c, d) {
    if (type === 'connect' || type === 'connect_error' || type === 'disconnect') this.io._recheckKeepAlive();
    switch (type) {
      case 'connect':
        return this.emitReserved('connect');
      case 'connect_error': {
        const error = new TwinsockError({ code: a.code, message: a.message, detail: a.detail });
        const data = decodeArgs(a.data.json, a.data.buffers);
        if (data !== null) error.data = data;
        return this.emitReserved('connect_error', error);
      }
      case 'disconnect':
        return this.emitReserved('disconnect', a, this.io._closeDetails());
      case 'event':
        return this.#onEvent(a, decodeArgs(b, c), d);
      case 'ack':
        return this.#onAck(a, b, c, d);
      case 'auth':
        return this.#askAuth();
      default:
        return undefined;
    }
  }

  #onEvent(event, args, replyId) {
    if (replyId) {
      let sent = false;
      args.push((...answer) => {
        if (sent) return;
        sent = true;
        const { json, buffers } = encodeArgs(answer);
        this.#native.reply(replyId, json, buffers);
      });
    }
    if (this.#anyListeners.length) for (const fn of [...this.#anyListeners]) safeCall(this, fn, [event, ...args]);
    this.emitReserved(event, ...args);
  }

  #onAck(ackId, errorInfo, json, buffers) {
    const entry = this.#acks.get(ackId);
    if (!entry) return;
    this.#acks.delete(ackId);
    const error = toError(errorInfo && { ...errorInfo, message: ACK_MESSAGES[errorInfo.code] ?? errorInfo.message });
    const args = error || !json ? [] : decodeArgs(json, buffers);
    if (entry.kind === 'promise') {
      if (error) entry.target.reject(error);
      else entry.target.resolve(args[0]);
    } else if (entry.kind === 'error-first') {
      safeCall(this, entry.target, error ? [error] : [null, ...args]);
    } else if (!error) {
      safeCall(this, entry.target, args);  // socket.io-client drops plain acks that fail
    }
  }

  /** The CONNECT payload: `auth` itself, or what the auth function gives its callback, now or later. */
  #askAuth() {
    const answer = (value) => this.#native?.answerAuth(JSON.stringify(value ?? {}));
    try {
      if (typeof this.auth !== 'function') return this.#native?.answerAuth(JSON.stringify(this.auth ?? null));
      this.auth(answer);
    } catch (error) {
      queueMicrotask(() => { throw error; });
    }
    return undefined;
  }
}

// Managers shared by io(), by origin and path: an entry goes with its Manager.
const cache = new Map();
const uncache = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((id) => { if (!cache.get(id)?.deref()) cache.delete(id); })
  : null;

/** socket.io-client's io(): sockets of the same origin share one Manager unless forceNew or multiplex: false. */
export function io(uri, opts) {
  if (uri !== null && typeof uri === 'object' && !(uri instanceof URL)) [uri, opts] = [undefined, uri];
  opts = opts ?? {};
  const url = resolveUrl(uri === undefined ? undefined : String(uri));
  const id = `${url.protocol}//${url.host}${opts.path ?? '/socket.io/'}`;
  const nsp = url.pathname || '/';
  const cached = cache.get(id)?.deref();
  const sameNamespace = cached && cached._hasSocket(nsp);
  const newConnection = opts.forceNew || opts['force new connection'] || opts.multiplex === false || sameNamespace;
  let manager;
  if (newConnection) {
    manager = new Manager(url.href, opts);
  } else {
    manager = cached ?? new Manager(url.href, opts);
    if (!cached) {
      cache.set(id, new WeakRef(manager));
      uncache?.register(manager, id);
    }
  }
  const socketOpts = { auth: opts.auth, ackTimeout: opts.ackTimeout, retries: opts.retries,
                       maxBufferedPackets: opts.maxBufferedPackets, maxBufferedBytes: opts.maxBufferedBytes };
  return manager.socket(nsp, socketOpts);
}
export { io as connect };
// socket.io-client's io() also carries these (io.connect(...), new io.Manager(...)).
Object.assign(io, { connect: io, io, Manager, Socket });
/** The Socket.IO protocol revision (socket.io-client's `protocol`). */
export const protocol = 5;
