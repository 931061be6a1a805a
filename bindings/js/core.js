// Loads the wasm module once per process or page. In Node without a global
// WebSocket, the optional peer `ws` stands in for it (Module.WebSocket), and
// without a global EventSource the optional peer `eventsource` (v4).
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

const WebSocketImpl = await nodeWebSocket();
/** The platform's EventSource class, or undefined. */
export const EventSourceImpl = await platformEventSource();

// The module's dispatchers by handle (bindings/js/native.js registers them).
const twinsockHandlers = new Map();
const instance = await createTwinsockCore(WebSocketImpl ? { WebSocket: WebSocketImpl, twinsockHandlers } : { twinsockHandlers });

/** The module's objects: Manager (and its Sockets), WebSocketClient, EventSourceClient. Internal. */
export const core = bindNative(instance);
export { isNode };
