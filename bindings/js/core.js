// Loads the wasm module once per process or page. In Node without a global
// WebSocket, the optional peer `ws` stands in for it (Module.WebSocket), and
// without a global EventSource the optional peer `eventsource` (v4).
// The module's glue (Emscripten's minimal runtime) is given the .wasm's bytes:
// read from disk in Node, fetched beside this file in a browser.
import createTwinsockCore from './twinsock_core.mjs';
import { bindNative } from './native.js';
import { importNodeOnly } from './node_import.js';

const isNode = typeof process === 'object' && typeof process.versions === 'object' && !!process.versions.node;

async function nodeWebSocket() {
  if (!isNode || typeof globalThis.WebSocket === 'function') return undefined;
  try {
    return (await importNodeOnly('ws')).default;
  } catch {
    return undefined;  // reported as TWINSOCK_ERR_NOT_SUPPORTED when a WebSocket is opened
  }
}

async function platformEventSource() {
  if (typeof globalThis.EventSource === 'function') return globalThis.EventSource;
  if (!isNode) return undefined;
  try {
    return (await importNodeOnly('eventsource')).EventSource;
  } catch {
    return undefined;  // EventSourceClient then runs over fetch()
  }
}

async function wasmBytes() {
  const url = new URL('./twinsock_core.wasm', import.meta.url);
  if (isNode) return (await importNodeOnly('node:fs')).readFileSync(url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`twinsock: could not load ${url} (HTTP ${response.status})`);
  return response.arrayBuffer();
}

const WebSocketImpl = await nodeWebSocket();
/** The platform's EventSource class, or undefined. */
export const EventSourceImpl = await platformEventSource();

// The module's dispatchers by handle (bindings/js/native.js registers them).
const twinsockHandlers = new Map();
const instance = await createTwinsockCore({ wasm: await wasmBytes(), WebSocket: WebSocketImpl, twinsockHandlers });

/** The module's objects: Manager (and its Sockets), WebSocketClient, EventSourceClient. Internal. */
export const core = bindNative(instance);
export { isNode };
