// A TypeScript consumer of the twinsock package: type-checked only (tsc --noEmit),
// never run. Each `// @ts-expect-error` line is a wrong usage the types must refuse
// (tsc fails if one of them compiles). Checked against build/npm by the npm_types
// test (tsconfig.json here) and against the installed tarball by npm_package.
import io, {
  connect,
  EventSourceClient,
  io as namedIo,
  Manager,
  protocol,
  ReconnectingWebSocket,
  Socket,
  TwinsockError,
  type DisconnectReason,
  type EventSourceMessageEvent,
  type ManagerOptions,
  type SocketOptions,
  type WebSocketCloseEvent,
} from "twinsock";

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | void {}

// ---- Socket.IO with typed events ------------------------------------------

interface ServerToClientEvents {
  welcome: (id: string) => void;
  message: (text: string, from: string) => void;
  question: (text: string, answer: (reply: number) => void) => void;
}

interface ClientToServerEvents {
  hello: (name: string, blob: { binary: Uint8Array }) => void;
  join: (room: string, done: (members: string[]) => void) => void;
  count: (done: (n: number, extra: boolean) => void) => void;
  ping: () => void;
}

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io<ServerToClientEvents, ClientToServerEvents>(
  "http://localhost:3000/chat",
  { auth: { token: "t" }, ackTimeout: 5000, retries: 2, transports: ["websocket"], query: { v: 1 }, reconnectionDelayMax: 2000,
    maxPacketBytes: 1 << 20, maxAttachments: 4, maxJsonDepth: 32, maxPayloadPackets: 1000 },
);

socket.on("connect", () => {
  const id: string | undefined = socket.id;
  socket.emit("hello", "ada", { binary: new Uint8Array([1, 2]) });
  void id;
});
socket.on("connect_error", (err) => {
  const code: string = err.code;
  const data: any = err.data;
  const isError: Error = err;
  void [code, data, isError];
});
socket.on("disconnect", (reason, details) => {
  expectType<Equals<typeof reason, DisconnectReason>>();
  expectType<Equals<typeof details, TwinsockError | undefined>>();
  if (details) void [details.code, details.description];
  if (reason === "io server disconnect") socket.connect();
});
socket.io.on("close", (reason, description) => void [reason.length, description?.code]);
socket.on("welcome", (id) => expectType<Equals<typeof id, string>>());
socket.on("message", (text, from) => void `${from}: ${text.toUpperCase()}`);
socket.on("question", (_text, answer) => answer(42));
socket.once("welcome", () => {});
socket.off("message");
socket.off();
socket.onAny((event, ...args) => void [event.length, args]);
socket.prependAny(() => {});
socket.offAny();
socket.onAnyOutgoing((event) => void event);
const anyListeners: ((event: string, ...args: any[]) => void)[] = socket.listenersAny();
void anyListeners;

socket.emit("join", "lobby", (members) => expectType<Equals<typeof members, string[]>>());
socket.volatile.compress(false).emit("ping");
socket.send("raw", 1, 2);
// The send buffer: read, filtered, emptied.
const stale = socket.sendBuffer.filter((packet) => packet.data[0] === "move");
expectType<Equals<typeof stale[0]["data"][0], string>>();
socket.sendBuffer = socket.sendBuffer.filter((packet) => !stale.includes(packet));
socket.sendBuffer = [];

// emitWithAck resolves with the ack's first argument.
async function acks(): Promise<void> {
  const members = await socket.emitWithAck("join", "lobby");
  expectType<Equals<typeof members, string[]>>();
  const n = await socket.emitWithAck("count");
  expectType<Equals<typeof n, number>>();
  // With a timeout too (the promise rejects on timeout instead of an error-first ack).
  const timed = await socket.timeout(1000).emitWithAck("join", "lobby");
  expectType<Equals<typeof timed, string[]>>();
  try {
    await socket.emitWithAck("count");
  } catch (e) {
    if (e instanceof TwinsockError) void e.code;
  }
}
void acks;

// timeout(): the ack becomes error-first.
socket.timeout(1000).emit("join", "lobby", (err, members) => {
  expectType<Equals<typeof err, TwinsockError | null>>();
  if (!err) void members.length;
});
socket.timeout(1000).emit("count", (err: TwinsockError | null, n: number, extra: boolean) => void [err, n, extra]);

// The untyped default: any event, any arguments.
const loose = io("https://example.com", { forceNew: true, multiplex: false });
loose.emit("anything", 1, "two", { three: 3 }, (answer: unknown) => void answer);
loose.on("whatever", (...args) => void args);
loose.on("connect_error", (err) => void err.data);
const value = await loose.emitWithAck("anything", 1);
void value;
const loose2 = connect({ path: "/custom/", autoConnect: false });
const loose3 = namedIo();
void [loose2, loose3];

// Wrong usages.
// @ts-expect-error hello wants (string, {binary}), not a number
socket.emit("hello", 42, { binary: new Uint8Array() });
// @ts-expect-error the second argument is missing
socket.emit("hello", "ada");
// @ts-expect-error not an event of ClientToServerEvents
socket.emit("nope");
// @ts-expect-error welcome gives a string, not a number
socket.on("welcome", (id: number) => void id);
// @ts-expect-error not an event of ServerToClientEvents
socket.on("unknown", () => {});
// @ts-expect-error the ack of join gets string[], not a number
socket.emit("join", "lobby", (members: number) => void members);
// @ts-expect-error timeout() acks are error-first: members is not the first argument
socket.timeout(1000).emit("join", "lobby", (members: string[]) => void members);
// @ts-expect-error connect_error's error is a TwinsockError, not a string
socket.on("connect_error", (err: string) => void err);
// @ts-expect-error disconnect reasons are a closed set
socket.on("disconnect", (reason: 42) => void reason);
// @ts-expect-error id is read-only
socket.id = "x";
// @ts-expect-error Sockets come from io() or manager.socket()
new Socket();
// @ts-expect-error emitWithAck's result is string[] here
const wrongAck: number = await socket.emitWithAck("join", "lobby");
void wrongAck;

// ---- Manager ----------------------------------------------------------------

const managerOptions: Partial<ManagerOptions> = { reconnectionAttempts: 3, timeout: 5000, parser: "msgpack", extraHeaders: { "x-a": "b" }, debug: (line) => void line.length };
const manager = new Manager<ServerToClientEvents, ClientToServerEvents>("http://localhost:3000", managerOptions);
const socketOptions: Partial<SocketOptions> = { auth: (cb) => cb({ token: "fresh" }), maxBufferedPackets: 100 };
const admin = manager.socket("/admin", socketOptions);
admin.emit("ping");
manager.on("open", () => {});
manager.on("close", (reason) => void reason.length);
manager.on("error", (err) => void err.code);
manager.on("reconnect_attempt", (attempt) => void (attempt + 1));
manager.on("reconnect", (attempt) => void (attempt + 1));
manager.on("reconnect_error", (err) => void err.message);
manager.on("reconnect_failed", () => {});
manager.on("ping", () => {});
manager.open((err) => void err?.code).close();
const state: "opening" | "open" | "closed" = manager._readyState;
const engineId: string | undefined = manager.engine?.id;
manager.engine?.on("upgrade", (transport) => void transport.name.length).on("close", (reason) => void reason.length);
// @ts-expect-error an Engine has only its reserved events
manager.engine?.on("message", () => {});
const admin2: Manager<ServerToClientEvents, ClientToServerEvents> = admin.io;
const reconnecting: boolean = manager.reconnection();
const delay: number = manager.reconnection(true).reconnectionDelay(500).reconnectionDelay();
manager.reconnectionAttempts(Infinity).reconnectionDelayMax(2000).randomizationFactor(0).timeout(1000);
void [state, engineId, admin2, reconnecting, delay];
// @ts-expect-error a setter returns the Manager, not the value
const notANumber: number = manager.timeout(5);
void notANumber;
// @ts-expect-error the Manager has no user events
manager.on("welcome", () => {});
// @ts-expect-error reconnect_attempt gives a number
manager.on("reconnect_attempt", (n: string) => void n);
// @ts-expect-error parser objects are not supported, only "msgpack"
new Manager("http://localhost:3000", { parser: {} });

// ---- ReconnectingWebSocket --------------------------------------------------

const ws = new ReconnectingWebSocket("ws://localhost:8080/echo", ["chat"], {
  maxRetries: 5,
  minReconnectionDelay: 100,
  queueFullPolicy: "drop-oldest",
  headers: { authorization: "Bearer t" },
});
const ws2 = new ReconnectingWebSocket("ws://localhost:8080/echo", { startClosed: true });
ws2.connect();
const fresh = new ReconnectingWebSocket(() => `ws://localhost:8080/echo?t=${Date.now()}`);
const awaited = new ReconnectingWebSocket(async () => "ws://localhost:8080/echo", ["chat"]);
const tokens = new ReconnectingWebSocket("ws://localhost:8080/echo", () => ["chat", "token.abc"], { maxRetries: 3 });
const tokensLater = new ReconnectingWebSocket("ws://localhost:8080/echo", async () => null);
tokens.close();
tokensLater.close();
// @ts-expect-error a protocols provider gives strings
new ReconnectingWebSocket("ws://localhost:8080/echo", () => 42);
void [fresh, awaited];
// @ts-expect-error a provider gives a URL
new ReconnectingWebSocket(() => 42);
ws.binaryType = "arraybuffer";
ws.onopen = (e) => ws.send(`hello from ${e.type}`);
ws.onmessage = (e) => {
  if (typeof e.data === "string") void e.data.length;
  else if (e.data instanceof ArrayBuffer) void e.data.byteLength;
};
ws.onclose = (e: WebSocketCloseEvent) => void [e.code, e.reason, e.wasClean, e.error?.code];
ws.onerror = (e) => void e.error.code;
ws.addEventListener("reconnecting", (e) => void (e.attempt + e.delay));
ws.addEventListener("close", (e) => expectType<Equals<typeof e.code, number>>());
ws.on("message", (e) => void e.data);
ws.send(new Uint8Array([1, 2, 3]));
ws.send(new ArrayBuffer(4));
ws.send({ size: 0, arrayBuffer: async () => new ArrayBuffer(0) });  // a Blob, structurally
// @ts-expect-error a plain object is neither text, bytes nor a Blob
ws.send({ size: 0 });
if (ws.readyState === ReconnectingWebSocket.OPEN && ws.OPEN === 1) ws.close(1000, "bye");
ws.reconnect();
const counters: number[] = [ws.bufferedAmount, ws.retryCount];
const names: string[] = [ws.url, ws.protocol, ws.extensions];
void [counters, names];
ws.dispose();
// @ts-expect-error not a WebSocket event
ws.addEventListener("ping", () => {});
// @ts-expect-error close events have a numeric code
ws.addEventListener("close", (e: { code: string }) => void e);
// @ts-expect-error only "arraybuffer" and "blob"
ws.binaryType = "nodebuffer";
// @ts-expect-error readyState is read-only
ws.readyState = 3;
// @ts-expect-error an unknown option
new ReconnectingWebSocket("ws://x", { reconnectDelay: 5 });

// ---- EventSourceClient ------------------------------------------------------

const feed = new EventSourceClient("https://example.com/stream", {
  method: "POST",
  body: JSON.stringify({ q: 1 }),
  headers: { Authorization: "Bearer t" },
  lastEventId: "41",
  idleTimeout: 30_000,
  maxRetries: 10,
});
feed.onopen = () => {};
feed.onmessage = (e) => void [e.data, e.lastEventId, e.origin, e.type];
feed.onerror = (e) => void [e.status, e.error?.code, e.message];
feed.addEventListener("tick", (e: EventSourceMessageEvent) => void [e.type, e.data, e.lastEventId, e.origin]);
feed.addEventListener("message", (e) => expectType<Equals<typeof e.data, string>>());
feed.addEventListener("reconnecting", (e) => void e.delay);
feed.on("close", (e) => void e.type);
const esState: 0 | 1 | 2 = feed.readyState;
const esInfo: [string, string, boolean, number] = [feed.url, feed.lastEventId, feed.withCredentials, feed.reconnectionTime];
void [esState, esInfo];
if (feed.readyState !== EventSourceClient.CLOSED) feed.close();
feed.connect();
feed.dispose();
// @ts-expect-error event data is a string
feed.addEventListener("tick", (e: { data: number }) => void e);
// @ts-expect-error the body is a string
new EventSourceClient("https://example.com", { body: { q: 1 } });
new EventSourceClient("https://example.com", { maxLineLength: 1024, maxEventSize: 1 << 16 });

// ---- Errors -----------------------------------------------------------------

const error = new TwinsockError({ code: "TWINSOCK_ERR_X", message: "x" });
const fields: [string, string | undefined, number | undefined, unknown] = [error.code, error.detail, error.closeCode, error.data];
const asError: Error = error;
void [fields, asError];
// @ts-expect-error code is a string
const badCode: number = error.code;
void badCode;

// socket.io-client's io() properties and protocol export.
const viaConnect: Socket = io.connect("http://localhost:3000");
const manager2: Manager = new io.Manager("http://localhost:3000");
const socketClass: typeof Socket = io.Socket;
const same: typeof namedIo = io.io;
const revision: 5 = protocol;
void [viaConnect, manager2, socketClass, same, revision];
