// Types of the twinsock npm package: the JavaScript facade (dist/index.js) over
// the WebAssembly build of twinsock's C++ core. Hand-written; they describe what
// the facade really does, which is socket.io-client 4.8's surface for io(),
// Manager and Socket (typed events as socket.io-client's), the DOM WebSocket's
// for ReconnectingWebSocket and the DOM EventSource's for EventSourceClient.
//
// Self-contained: no DOM or Node typings needed (URL and Blob are used only
// when the consumer's typings declare them).

// ---------------------------------------------------------------------------
// Typed events (the generics of @socket.io/component-emitter)

/** A map of event names to listener signatures. */
export interface EventsMap {
  [event: string]: any;
}

/** The map used when none is given: any event, any arguments. */
export interface DefaultEventsMap {
  [event: string]: (...args: any[]) => void;
}

/** The event names of a map. */
export type EventNames<Map extends EventsMap> = keyof Map & string;

/** The arguments of an event of a map. */
export type EventParams<Map extends EventsMap, Ev extends EventNames<Map>> = Parameters<Map[Ev]>;

/** The names of reserved and user events together. */
export type ReservedOrUserEventNames<ReservedEvents extends EventsMap, UserEvents extends EventsMap> =
  | EventNames<ReservedEvents>
  | EventNames<UserEvents>;

/** The listener of `Ev`: the reserved event's signature first, then the user map's. */
export type ReservedOrUserListener<
  ReservedEvents extends EventsMap,
  UserEvents extends EventsMap,
  Ev extends ReservedOrUserEventNames<ReservedEvents, UserEvents>,
> = FallbackToUntypedListener<
  Ev extends EventNames<ReservedEvents> ? ReservedEvents[Ev] : Ev extends EventNames<UserEvents> ? UserEvents[Ev] : never
>;

type FallbackToUntypedListener<T> = [T] extends [never] ? (...args: any[]) => void | Promise<void> : T;

/** The last element of a tuple. */
export type Last<T extends any[]> = T extends [...infer H, infer L] ? L : any;
/** A tuple without its last element. */
export type AllButLast<T extends any[]> = T extends [...infer H, infer L] ? H : any[];

declare const errorFirstAck: unique symbol;

/** An ack callback of `socket.timeout(ms)`: the error first (null on success), then the answer. */
export type ErrorFirstAck<Params extends any[], Result = void> = ((err: TwinsockError | null, ...args: Params) => Result) & {
  /** Type-level marker only (never present at run time): the answer's arguments. */
  readonly [errorFirstAck]?: Params;
};

type PrependTimeoutError<T extends any[]> = {
  [K in keyof T]: T[K] extends (...args: infer Params) => infer Result ? ErrorFirstAck<Params, Result> : T[K];
};

/** The emit map of `socket.timeout(ms)`: every ack callback becomes error-first. */
export type DecorateAcknowledgements<E> = {
  [K in keyof E]: E[K] extends (...args: infer Params) => infer Result ? (...args: PrependTimeoutError<Params>) => Result : E[K];
};

type FirstOf<T> = T extends [] ? undefined : T extends [infer A, ...any[]] ? A : T extends any[] ? T[0] : any;

/** What emitWithAck resolves with: the first argument of the ack (error-first acks: the first after the error). */
export type AckValue<F> = typeof errorFirstAck extends keyof F
  ? FirstOf<Exclude<F[typeof errorFirstAck], undefined>>
  : F extends (...args: infer P) => any
    ? FirstOf<P>
    : any;

/** The emitter methods every class of the package has (socket.io's component-emitter surface). */
declare class TypedEmitter<ListenEvents extends EventsMap, ReservedEvents extends EventsMap = {}> {
  /** Adds a listener; throws a TypeError when `listener` is not a function. A listener that throws is reported (reportError) and does not stop the others. */
  on<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this;
  /** The same as on() (every call adds the listener once more). */
  addEventListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this;
  once<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this;
  /** Removes one listener; every listener of `ev` without one; every listener without arguments. */
  off<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this;
  removeListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this;
  removeEventListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this;
  removeAllListeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev?: Ev): this;
  /** A copy of the listeners of `ev` (once() listeners appear as their wrappers). */
  listeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
  ): ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>[];
  hasListeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev: Ev): boolean;
}

type GlobalURL = typeof globalThis extends { URL: { prototype: infer U } } ? U : never;
type GlobalBlob = typeof globalThis extends { Blob: { prototype: infer B } } ? B : never;

// ---------------------------------------------------------------------------
// Errors

/** Every error the package reports: an Error with a stable id in `.code` ("TWINSOCK_ERR_..."). */
export declare class TwinsockError extends Error {
  constructor(info: { code: string; message: string; detail?: string; closeCode?: number });
  name: string;
  /** The stable id, e.g. "TWINSOCK_ERR_ACK_TIMEOUT", "TWINSOCK_ERR_QUEUE_FULL", "TWINSOCK_ERR_SIO_CONNECT_REFUSED". */
  code: string;
  /** More about the cause, when there is more (also appended to `message`). */
  detail?: string;
  /** `detail` under socket.io-client's name (`err.description` in its troubleshooting guide). */
  readonly description?: string;
  /** The WebSocket close code this error closed a connection with, when it did. */
  closeCode?: number;
  /** connect_error only: the `data` of the server middleware's error. */
  data?: unknown;
}

// ---------------------------------------------------------------------------
// Socket.IO

/** Options of the Socket.IO connection (a Manager), as the core reads them. */
/**
 * A protocol trace for debugging: true prints each line with console.debug, a function
 * gets them. Without the option, DEBUG (Node) or localStorage.debug (browsers) naming
 * "twinsock" turns it on, as socket.io-client's `debug`.
 */
export type DebugOption = boolean | ((line: string) => void);

export interface ManagerOptions {
  /** Protocol trace (requests, WebSocket open and close). */
  debug: DebugOption;
  /** io() only: a new Manager even when one to the same server exists. */
  forceNew: boolean;
  /** The legacy name of forceNew. */
  "force new connection": boolean;
  /** io() only: false is forceNew. */
  multiplex: boolean;
  /** The Engine.IO path. Default "/socket.io/". */
  path: string;
  /** Reconnect after a lost connection. Default true. */
  reconnection: boolean;
  /** Attempts before reconnect_failed. Default Infinity (0 too, as in socket.io-client). */
  reconnectionAttempts: number;
  /** First delay between attempts, ms. Default 1000. */
  reconnectionDelay: number;
  /** Largest delay between attempts, ms. Default 5000. */
  reconnectionDelayMax: number;
  /** Default 0.5. */
  randomizationFactor: number;
  /** Connection timeout, ms, or false for none. Default 20000. */
  timeout: number | false;
  /** Open the connection (and connect sockets) at once. Default true. */
  autoConnect: boolean;
  /** "msgpack": socket.io-msgpack-parser's encoding (the server must use it too); anything else: the default JSON parser. Parser objects are not supported. */
  parser: "msgpack" | "default";
  /** Default ["polling", "websocket"]. */
  transports: ("polling" | "websocket")[] | "polling" | "websocket";
  /** Upgrade from polling to WebSocket. Default true. */
  upgrade: boolean;
  rememberUpgrade: boolean;
  /** When the first transport fails to open, try the next one. Default false. */
  tryAllTransports: boolean;
  addTrailingSlash: boolean;
  timestampRequests: boolean;
  timestampParam: string;
  /** Send cookies on cross-origin requests (browsers). */
  withCredentials: boolean;
  /** Polling request timeout, ms. */
  requestTimeout: number;
  /** Largest Engine.IO message or polling body accepted, bytes (beyond: TWINSOCK_ERR_WS_MESSAGE_TOO_BIG / EIO_PAYLOAD_TOO_LARGE). Default 64 MiB. */
  maxMessageSize: number;
  /** Most Engine.IO packets in one polling body (beyond: TWINSOCK_ERR_EIO_TOO_MANY_PACKETS). Default 100000. */
  maxPayloadPackets: number;
  /** Largest Socket.IO packet with its attachments, bytes (beyond: TWINSOCK_ERR_SIO_PACKET_TOO_LARGE). Default 64 MiB. */
  maxPacketBytes: number;
  /** Most binary attachments in one packet (beyond: TWINSOCK_ERR_SIO_TOO_MANY_ATTACHMENTS). Default 10. */
  maxAttachments: number;
  /** Deepest JSON / msgpack nesting of a received packet (beyond: TWINSOCK_ERR_JSON_TOO_DEEP). Default 64. */
  maxJsonDepth: number;
  /** Extra HTTP headers (polling and, outside browsers, the WebSocket handshake). */
  extraHeaders: Record<string, string>;
  /** Query parameters of the handshake; those of the URL are added. */
  query: string | Record<string, string | number | boolean>;
}

/** Options of one namespace's Socket. */
export interface SocketOptions {
  /** Sent with CONNECT: an object, or a function called before every attempt that passes it to `cb`, at once or later (CONNECT waits for it). */
  auth: { [key: string]: any } | ((cb: (data: object) => void) => void);
  /** Default timeout of every ack, ms; makes plain emit() acks error-first, as socket.io-client does. */
  ackTimeout: number;
  /** At-least-once delivery: emits wait in a queue and are resent up to this many times; their acks are error-first. */
  retries: number;
  /** Bounds of the buffer of emits made while disconnected (beyond: TWINSOCK_ERR_QUEUE_FULL). */
  maxBufferedPackets: number;
  maxBufferedBytes: number;
}

/** Why a Socket disconnected (socket.io-client's reasons; "forced close" after manager.close()). */
export type DisconnectReason =
  | "io server disconnect"
  | "io client disconnect"
  | "ping timeout"
  | "transport close"
  | "transport error"
  | "parse error"
  | "forced close";

/** The Socket's own events. */
export interface SocketReservedEvents {
  connect: () => void;
  /** The server refused the namespace (middleware error: `data` is its `err.data`), or the connection failed. */
  connect_error: (err: TwinsockError & { data?: any }) => void;
  /**
   * `details` (socket.io-client's second argument) says why a connection was lost
   * ("transport close", "transport error", "ping timeout", "parse error"): its `code`,
   * `message` and `description`. Undefined for the other reasons.
   */
  disconnect: (reason: DisconnectReason, details?: TwinsockError) => void;
}

/** The Manager's events. */
export interface ManagerReservedEvents {
  open: () => void;
  /**
   * The connection closed: "transport close", "transport error", "ping timeout", "parse error", "forced close", ...
   * `description` says why a lost connection was lost (as the Socket's "disconnect" `details`).
   */
  close: (reason: string, description?: TwinsockError) => void;
  error: (err: TwinsockError) => void;
  ping: () => void;
  reconnect_attempt: (attempt: number) => void;
  reconnect: (attempt: number) => void;
  reconnect_error: (err: TwinsockError) => void;
  reconnect_failed: () => void;
}

/** The events of an Engine.IO session (`socket.io.engine`). */
export interface EngineReservedEvents {
  /** The session moved to another transport (from "polling" to "websocket"). */
  upgrade: (transport: { name: string }) => void;
  /** The session ended; a reconnection makes a new Engine. */
  close: (reason: string) => void;
}

/** The Engine.IO session under a Manager (socket.io-client's `socket.io.engine`); one per session. */
export declare class Engine extends TypedEmitter<{}, EngineReservedEvents> {
  private constructor();
  /** The session id (empty until the server's handshake arrives). */
  readonly id: string;
  /** The transport in use: "polling" or "websocket". */
  readonly transport: { name: string };
}

/** One Socket.IO connection, shared by the Sockets of its namespaces. */
export declare class Manager<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> extends TypedEmitter<{}, ManagerReservedEvents> {
  /** In browsers only: the page's origin. Elsewhere it throws a TypeError (a URL is required). */
  constructor(opts: Partial<ManagerOptions>);
  /** Throws a TypeError for an invalid URL or a scheme other than http(s) or ws(s). */
  constructor(uri?: string | GlobalURL, opts?: Partial<ManagerOptions>);
  /**
   * The options given (a copy; `query` always an object, with the URL's parameters added).
   * Read anew before every attempt, as socket.io-client's: change `query`, `extraHeaders`
   * or `transports` here (in "reconnect_attempt" or "connect_error") for the next one.
   */
  opts: Partial<ManagerOptions> & { query: Record<string, string | number | boolean> };
  /** The server's origin, e.g. "http://localhost:3000". */
  readonly uri: string;
  /** The session open or opening, else the next one (socket.io-client's engine exists from open() on). */
  readonly engine: Engine;
  readonly _readyState: "opening" | "open" | "closed";
  /** The Socket of namespace `nsp` (one per namespace; `opts` counts on the first call only). */
  socket(nsp: string, opts?: Partial<SocketOptions>): Socket<ListenEvents, EmitEvents>;
  /** Opens the connection; `fn` is called once, on open (no argument) or on error. */
  open(fn?: (err?: TwinsockError) => void): this;
  connect(fn?: (err?: TwinsockError) => void): this;
  /** Closes the connection: its connected Sockets disconnect with "forced close". */
  close(): this;
  disconnect(): this;
  /**
   * socket.io-client's setters: with an argument each changes its option (from the next
   * attempt on; `reconnection(false)` also cancels a scheduled one) and returns the Manager,
   * without one it returns the value in use.
   */
  reconnection(): boolean;
  reconnection(v: boolean): this;
  reconnectionAttempts(): number;
  reconnectionAttempts(v: number): this;
  reconnectionDelay(): number;
  reconnectionDelay(v: number): this;
  reconnectionDelayMax(): number;
  reconnectionDelayMax(v: number): this;
  randomizationFactor(): number;
  randomizationFactor(v: number): this;
  timeout(): number | false;
  timeout(v: number | false): this;
}

/** A Blob (browsers, Node 18+), without needing the DOM's type library. */
export interface BlobLike {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** An EVENT packet waiting in a Socket's send buffer. */
export interface BufferedPacket {
  readonly type: 2;
  readonly nsp: string;
  /** The event name, then its arguments. */
  readonly data: readonly [string, ...any[]];
}

/** One namespace of a Socket.IO connection; made by io() or manager.socket(). */
export declare class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> extends TypedEmitter<ListenEvents, SocketReservedEvents> {
  private constructor();
  readonly io: Manager<ListenEvents, EmitEvents>;
  /** The namespace, e.g. "/" or "/chat". */
  readonly nsp: string;
  auth: { [key: string]: any } | ((cb: (data: object) => void) => void) | undefined;
  /** The session id while connected. */
  readonly id: string | undefined;
  readonly connected: boolean;
  readonly disconnected: boolean;
  /** Connected, or trying to (the Manager will reconnect it). */
  readonly active: boolean;
  /** The last connection restored the session (connection state recovery). */
  readonly recovered: boolean;
  /**
   * The emits made while disconnected, oldest first, which go out after the next CONNECT
   * (socket.io-client's sendBuffer). A frozen snapshot; assigning a list of its entries keeps
   * only those: `socket.sendBuffer = []` drops them all, and the acks they asked for fail with
   * TWINSOCK_ERR_EMIT_DISCARDED. Anything else assigned throws a TypeError.
   */
  sendBuffer: ReadonlyArray<BufferedPacket>;

  connect(): this;
  open(): this;
  disconnect(): this;
  close(): this;
  /** emit("message", ...args). */
  send(...args: any[]): this;
  /**
   * Emits an event; a function as last argument is the ack. Binary values (ArrayBuffer,
   * typed arrays, DataView, Buffer, and Blob or File, read first: the emits after one wait
   * behind it, in order) may be anywhere in the arguments. Throws an Error for
   * the reserved names (connect, connect_error, disconnect, disconnecting, newListener,
   * removeListener). Failures (e.g. a full send buffer) go to the ack, or to the Manager's "error".
   */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): this;
  /** Emits with an ack and resolves with its first argument; rejects with a TwinsockError (timeout, disconnect, ...). */
  emitWithAck<Ev extends EventNames<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<AckValue<Last<EventParams<EmitEvents, Ev>>>>;
  /** The next emit's ack fails with TWINSOCK_ERR_ACK_TIMEOUT after `ms`; its callback becomes error-first. */
  timeout(ms: number): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>>;
  /** The next emit is dropped unless it can go out now. */
  readonly volatile: this;
  /** Whether the next emit may be compressed. Default true. */
  compress(compress: boolean): this;

  /** Called with (event, ...args) for every incoming event, before its own listeners. */
  onAny(listener: (event: string, ...args: any[]) => void): this;
  prependAny(listener: (event: string, ...args: any[]) => void): this;
  /** Removes one catch-all listener, or all of them without an argument. */
  offAny(listener?: (event: string, ...args: any[]) => void): this;
  listenersAny(): ((event: string, ...args: any[]) => void)[];
  /** Called with (event, ...args) for every emit that was sent or buffered (without the ack). */
  onAnyOutgoing(listener: (event: string, ...args: any[]) => void): this;
  prependAnyOutgoing(listener: (event: string, ...args: any[]) => void): this;
  offAnyOutgoing(listener?: (event: string, ...args: any[]) => void): this;
  listenersAnyOutgoing(): ((event: string, ...args: any[]) => void)[];
}

export declare namespace Socket {
  type DisconnectReason = import("./index.js").DisconnectReason;
}

/**
 * socket.io-client's io(): the Socket of the URL's namespace. Sockets of the same
 * server share one Manager unless `forceNew`, `multiplex: false`, or the namespace
 * already has a Socket there. Throws a TypeError for an invalid URL (or none, outside browsers).
 */
export declare function io<ListenEvents extends EventsMap = DefaultEventsMap, EmitEvents extends EventsMap = ListenEvents>(
  opts?: Partial<ManagerOptions & SocketOptions>,
): Socket<ListenEvents, EmitEvents>;
export declare function io<ListenEvents extends EventsMap = DefaultEventsMap, EmitEvents extends EventsMap = ListenEvents>(
  uri?: string | GlobalURL,
  opts?: Partial<ManagerOptions & SocketOptions>,
): Socket<ListenEvents, EmitEvents>;
export { io as connect, io as default };
/** socket.io-client's io() carries these too: io.connect(...), new io.Manager(...). */
export declare namespace io {
  export { io as connect, io, Manager, Socket };
}
/** The Socket.IO protocol revision (socket.io-client's `protocol`). */
export declare const protocol: 5;

// ---------------------------------------------------------------------------
// Options shared by ReconnectingWebSocket and EventSourceClient

/** The reconnection policy: exponential backoff with jitter. Defaults: WebSocket / EventSource. */
export interface ReconnectOptions {
  /** Reconnect after a lost connection. Default true. */
  reconnect?: boolean;
  /** ms. Default 1000 / 3000. */
  minReconnectionDelay?: number;
  /** ms. Default 10000 / 30000. */
  maxReconnectionDelay?: number;
  /** Default 1.3 / 2. */
  reconnectionDelayGrowFactor?: number;
  /** Each delay times (1 ± jitter × random); 0 disables. Default 0.5 / 0.3. */
  jitter?: number;
  /** Attempts after a loss before giving up. Default unlimited. */
  maxRetries?: number;
  /** A connection open this long (ms) resets the backoff. Default 5000. */
  minUptime?: number;
}

// ---------------------------------------------------------------------------
// ReconnectingWebSocket

export interface ReconnectingWebSocketOptions extends ReconnectOptions {
  /** Protocol trace (handshake, open, close). */
  debug?: DebugOption;
  /** An attempt not open after this long (ms) fails. Default 10000. */
  connectionTimeout?: number;
  /** Subprotocols (the constructor's second argument wins). */
  protocols?: string | string[];
  /** Extra handshake headers: in Node only (browsers cannot set them: TWINSOCK_ERR_NOT_SUPPORTED). */
  headers?: Record<string, string>;
  /** Larger incoming messages close the connection with 1009. Default 64 MiB. */
  maxMessageSize?: number;
  /** Bounds of the offline queue (messages sent while not open); 0 messages disables it. Default 1024 and 16 MiB. */
  maxEnqueuedMessages?: number;
  maxEnqueuedBytes?: number;
  /** What send() does with a full queue: throw TWINSOCK_ERR_QUEUE_FULL ("reject-new", the default) or drop the oldest. */
  queueFullPolicy?: "reject-new" | "drop-oldest";
  /** How long close() waits for the server's close frame, ms. Default 5000. */
  closeTimeout?: number;
  /** Do not connect until connect() is called. */
  startClosed?: boolean;
  /**
   * Whether to reconnect after a close the client did not start, called right after its
   * "close" event. Default: not after 1000 (done), 1008 (policy) or 4000-4999 (the
   * application's codes); yes after anything else (1001, 1006, 1011, 1012, ...).
   * `() => true` reconnects after every close, as partysocket does.
   */
  shouldReconnect?: (event: WebSocketCloseEvent) => boolean;
}

export type WebSocketReadyState = 0 | 1 | 2 | 3;

export interface WebSocketOpenEvent {
  readonly type: "open";
  readonly target: ReconnectingWebSocket;
}
export interface WebSocketMessageEvent {
  readonly type: "message";
  /** Text as a string; binary as an ArrayBuffer, or a Blob when binaryType is "blob" and Blob exists. */
  readonly data: string | ArrayBuffer | GlobalBlob;
  readonly target: ReconnectingWebSocket;
}
export interface WebSocketCloseEvent {
  readonly type: "close";
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /** Why the connection was lost, when it was not a clean close. */
  readonly error: TwinsockError | null;
  readonly target: ReconnectingWebSocket;
}
export interface WebSocketErrorEvent {
  readonly type: "error";
  readonly error: TwinsockError;
  readonly message: string;
  readonly target: ReconnectingWebSocket;
}
export interface WebSocketReconnectingEvent {
  readonly type: "reconnecting";
  /** 1 for the first attempt after a loss. */
  readonly attempt: number;
  /** ms until the attempt. */
  readonly delay: number;
  readonly target: ReconnectingWebSocket;
}

export interface ReconnectingWebSocketEvents {
  open: (event: WebSocketOpenEvent) => void;
  message: (event: WebSocketMessageEvent) => void;
  close: (event: WebSocketCloseEvent) => void;
  error: (event: WebSocketErrorEvent) => void;
  reconnecting: (event: WebSocketReconnectingEvent) => void;
}

/**
 * The DOM WebSocket's surface with reconnection and an offline queue. Kept alive
 * while connecting, open or reconnecting, even without references; dispose() frees it at once.
 */
/** The options of the DOM's addEventListener that the WebSocket and EventSource clients honour. */
export interface ListenerOptions {
  /** Remove the listener after its first call. */
  once?: boolean;
  /** An AbortSignal: aborting it removes the listener. */
  signal?: { readonly aborted: boolean; addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void };
}

/** A DOM-style listener object: its handleEvent(event) is called. */
export interface ListenerObject<Fn> {
  handleEvent: Fn;
}

/**
 * TypedEmitter with the DOM's addEventListener options and listener objects; adding the
 * same listener twice adds it once.
 */
declare class DomTypedEmitter<ListenEvents extends EventsMap, ReservedEvents extends EventsMap = {}> extends TypedEmitter<ListenEvents, ReservedEvents> {
  addEventListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev> | ListenerObject<ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>>,
    options?: ListenerOptions,
  ): this;
  removeEventListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev> | ListenerObject<ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>>,
  ): this;
}

/**
 * partysocket's URL provider: called before every attempt (fresh tokens). A Promise is
 * awaited before the first attempt; for the later ones it is asked when the reconnection is
 * scheduled and its answer used if it settled by then (else the previous URL).
 */
export type UrlProvider = () => string | GlobalURL | Promise<string | GlobalURL>;

/** partysocket's protocols provider: asked before every attempt, as the URL provider is. */
export type ProtocolsProvider = () => string | string[] | null | Promise<string | string[] | null>;

export declare class ReconnectingWebSocket extends DomTypedEmitter<{}, ReconnectingWebSocketEvents> {
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;

  /**
   * As the DOM's WebSocket, throws a SyntaxError DOMException for a URL that does not parse,
   * is not ws:, wss:, http: or https:, or has a fragment, and for subprotocols that are not
   * tokens or are offered twice. Connects on a later turn unless startClosed.
   */
  constructor(url: string | GlobalURL | UrlProvider, protocols?: string | string[] | ProtocolsProvider | null,
              options?: ReconnectingWebSocketOptions);
  constructor(url: string | GlobalURL | UrlProvider, options?: ReconnectingWebSocketOptions);

  readonly readyState: WebSocketReadyState;
  /** The URL of the current attempt ("" while an async provider's first answer is awaited). */
  readonly url: string;
  /** The subprotocol the server chose ("" for none). */
  readonly protocol: string;
  /** Always "". */
  readonly extensions: string;
  /** Bytes queued and not yet sent. */
  readonly bufferedAmount: number;
  /** Attempts since the last successful open. */
  readonly retryCount: number;
  /** How binary messages are delivered. Default "arraybuffer"; other values are ignored, as by the DOM. */
  binaryType: "arraybuffer" | "blob";

  /**
   * Sends now when open, else queues; other values are sent as String(data). Throws a
   * TwinsockError when the queue refuses it. After close() the data is dropped, as the
   * DOM's WebSocket drops it. A Blob is sent as binary once its bytes are
   * read, and what is sent after it waits behind it (a refusal then is an "error" event).
   */
  send(data: string | ArrayBuffer | ArrayBufferView | BlobLike): void;
  /**
   * Closes for good (no reconnection), waiting closeTimeout ms at most for the server's
   * close frame (then "close" 1006). Default 1000, "". As the DOM's close(), throws a
   * DOMException for a code other than 1000 or 3000-4999 (InvalidAccessError) and for a
   * reason longer than 123 UTF-8 bytes (SyntaxError). Sends still waiting behind a Blob are dropped.
   */
  close(code?: number, reason?: string): void;
  /** Closes the current connection and opens a new one (code and reason checked as by close()). */
  reconnect(code?: number, reason?: string): void;
  /** Opens after close() or startClosed. */
  connect(): void;
  /**
   * Closes at once and frees the client; nothing is delivered afterwards. It then reads as
   * CLOSED (url kept), send() throws TWINSOCK_ERR_INVALID_STATE, and connect() and
   * reconnect() do nothing.
   */
  dispose(): void;

  onopen: ((event: WebSocketOpenEvent) => any) | null;
  onmessage: ((event: WebSocketMessageEvent) => any) | null;
  onclose: ((event: WebSocketCloseEvent) => any) | null;
  onerror: ((event: WebSocketErrorEvent) => any) | null;
}

// ---------------------------------------------------------------------------
// EventSourceClient

export interface EventSourceClientOptions extends ReconnectOptions {
  /** Protocol trace of the fetch backend (requests, status); the platform's EventSource shows none. */
  debug?: DebugOption;
  /** Default "GET". */
  method?: string;
  /** The request body (with method "POST", ...). */
  body?: string;
  headers?: Record<string, string>;
  /** Sent as Last-Event-ID on the first request (later ones send the last id received). */
  lastEventId?: string;
  /** ms until the response head must arrive. Default 10000. */
  connectionTimeout?: number;
  /** No data for this long (ms) counts as a lost connection; 0 disables. */
  idleTimeout?: number;
  /** Send cookies on cross-origin requests (browsers). */
  withCredentials?: boolean;
  /** Do not connect until connect() is called. */
  startClosed?: boolean;
  /** Larger events fail the connection, bytes. Default 4 MiB. */
  maxEventSize?: number;
  /** A longer `event`, `id` or `retry` value fails the connection, bytes. Default 64 KiB. */
  maxLineLength?: number;
  /**
   * "auto" (default): the platform's own EventSource (the browser's; in Node a global one
   * or the optional peer `eventsource`) when none of the options above but withCredentials
   * and startClosed are set, else fetch() with twinsock's parser and rules.
   * "fetch": always the latter (the native client's behaviour); "eventsource": always the former.
   */
  transport?: "auto" | "eventsource" | "fetch";
}

export type EventSourceReadyState = 0 | 1 | 2;

/** A server-sent event (the DOM's MessageEvent fields). `type` is the event's name ("message" by default). */
export interface EventSourceMessageEvent {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
  /** The origin of the stream's URL. */
  readonly origin: string;
  readonly target: EventSourceClient;
}
export interface EventSourceOpenEvent {
  readonly type: "open";
  readonly target: EventSourceClient;
}
export interface EventSourceErrorEvent {
  readonly type: "error";
  readonly error: TwinsockError | null;
  readonly message: string;
  /**
   * The HTTP status when the server answered with an error, or 204 when it told the
   * client to stop (TWINSOCK_ERR_CLOSED_BY_SERVER; "close" follows, as after every failure for good).
   */
  readonly status: number | undefined;
  readonly target: EventSourceClient;
}
export interface EventSourceReconnectingEvent {
  readonly type: "reconnecting";
  readonly attempt: number;
  /** ms until the attempt. */
  readonly delay: number;
  readonly target: EventSourceClient;
}
export interface EventSourceCloseEvent {
  readonly type: "close";
  readonly target: EventSourceClient;
}

/**
 * The client's own events. As with the DOM EventSource, a server event named like
 * one of them ("event: error") reaches its listeners as an EventSourceMessageEvent.
 */
export interface EventSourceClientEvents {
  open: (event: EventSourceOpenEvent) => void;
  error: (event: EventSourceErrorEvent) => void;
  reconnecting: (event: EventSourceReconnectingEvent) => void;
  close: (event: EventSourceCloseEvent) => void;
}

/** Server-sent events of any name. */
export interface EventSourceMessageEvents {
  [type: string]: (event: EventSourceMessageEvent) => void;
}

/**
 * The DOM EventSource's surface plus headers, POST with a body, a saved
 * Last-Event-ID and backoff. Kept alive while connecting or open; dispose() frees it.
 */
export declare class EventSourceClient extends DomTypedEmitter<EventSourceMessageEvents, EventSourceClientEvents> {
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 2;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSED: 2;

  constructor(url: string | GlobalURL, options?: EventSourceClientOptions);

  readonly readyState: EventSourceReadyState;
  readonly url: string;
  readonly lastEventId: string;
  /** The option given (as the DOM EventSource's). */
  withCredentials: boolean;
  /** The current reconnection delay, ms (the server's `retry:` or the default). */
  readonly reconnectionTime: number;
  /** The backend in use (see EventSourceClientOptions.transport). */
  readonly transport: "eventsource" | "fetch";

  /** Opens after close() or startClosed. */
  connect(): void;
  /** Closes for good (no reconnection). */
  close(): void;
  /**
   * Closes at once and frees the client; nothing is delivered afterwards. It then reads as
   * CLOSED (url and lastEventId kept), and connect() does nothing.
   */
  dispose(): void;

  onopen: ((event: EventSourceOpenEvent) => any) | null;
  /** Events named "message" (those without an `event:` field). */
  onmessage: ((event: EventSourceMessageEvent) => any) | null;
  onerror: ((event: EventSourceErrorEvent) => any) | null;
}

export {};
