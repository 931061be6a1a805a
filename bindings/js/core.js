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

// The smallest module there is: compiling it tells whether this page may compile any.
const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

async function wasmBytes() {
  const url = new URL('./twinsock_core.wasm', import.meta.url);
  let bytes;
  if (isNode) {
    bytes = (await importNodeOnly('node:fs')).readFileSync(url);
  } else {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`twinsock: could not load ${url} (HTTP ${response.status})`);
    bytes = await response.arrayBuffer();
  }
  // The glue's own instantiation cannot fail loudly: it would leave the import pending for ever.
  if (!WebAssembly.validate(bytes)) {
    throw new Error(`twinsock: ${url} is not twinsock's WebAssembly module (a server answering with another ` +
                    'file, such as an index.html fallback?)');
  }
  await WebAssembly.compile(EMPTY_MODULE).catch((error) => {
    throw new Error(`twinsock: WebAssembly cannot be compiled here (${error.message}); a Content-Security-Policy ` +
                    "must allow it: script-src 'wasm-unsafe-eval'");
  });
  return bytes;
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
