// Socket.IO arguments across the wasm boundary: JSON text plus a list of byte
// arrays, each binary value (ArrayBuffer, typed array, DataView, Buffer, at any
// depth) standing in the JSON as a placeholder: {"__twinsock_binary__": index}
// on the way in, socket.io's own {"_placeholder":true,"num":index} on the way out
// (the wasm writes it as the Socket.IO encoder does; only with buffers attached).
import { isNode } from './core.js';

const PLACEHOLDER = '__twinsock_binary__';

/** Whether `value` holds binary data anywhere (socket.io-parser's hasBinary, with a depth bound). */
function hasBinary(value, depth = 0) {
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (hasBinary(item, depth + 1)) return true;
    return false;
  }
  if (typeof value.toJSON === 'function') return false;  // Date, ...: serialised as toJSON says
  for (const key in value) if (hasBinary(value[key], depth + 1)) return true;
  return false;
}

/** A Blob or a File (a File is a Blob). */
export const isBlob = (value) => typeof Blob === 'function' && value instanceof Blob;

/** Whether `value` holds a Blob (or File) anywhere: its bytes must be read before it can be sent. */
export function hasBlob(value, depth = 0) {
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (isBlob(value)) return true;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  if (Array.isArray(value)) return value.some((item) => hasBlob(item, depth + 1));
  if (typeof value.toJSON === 'function') return false;
  for (const key in value) if (hasBlob(value[key], depth + 1)) return true;
  return false;
}

/**
 * A copy of `value` (arrays and plain objects copied, where hasBlob looks) with every
 * Blob replaced by its bytes (a Uint8Array), as socket.io-client sends them.
 */
export async function withBlobsRead(value, depth = 0) {
  if (isBlob(value)) return new Uint8Array(await value.arrayBuffer());
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => withBlobsRead(item, depth + 1)));
  if (typeof value.toJSON === 'function') return value;
  const copy = {};
  for (const key in value) copy[key] = await withBlobsRead(value[key], depth + 1);
  return copy;
}

// Without binary values the wasm takes the JSON text as it is (and a null is free to check there).
const NO_BUFFERS = null;

export function encodeArgs(args) {
  // Most events carry no binary: JSON.stringify without a replacer is several times faster.
  if (!hasBinary(args)) return { json: JSON.stringify(args) ?? '[]', buffers: NO_BUFFERS };
  const buffers = [];
  const json = JSON.stringify(args, function (key, value) {
    const raw = this[key];  // before toJSON (Buffer's would turn it into an object)
    if (raw instanceof ArrayBuffer) {
      buffers.push(new Uint8Array(raw));
      return { [PLACEHOLDER]: buffers.length - 1 };
    }
    if (ArrayBuffer.isView(raw)) {
      buffers.push(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      return { [PLACEHOLDER]: buffers.length - 1 };
    }
    return value;
  });
  return { json: json ?? '[]', buffers };
}

/** Binary values come back as socket.io-client gives them: Buffer in Node, ArrayBuffer in browsers. */
function binaryValue(bytes) {
  if (isNode && typeof Buffer === 'function') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes.buffer.byteLength === bytes.byteLength ? bytes.buffer : bytes.slice().buffer;
}

/** JSON text and, when it has placeholders, the byte arrays they stand for. */
export function decodeArgs(json, buffers) {
  if (!buffers?.length) return JSON.parse(json);
  return JSON.parse(json, (key, value) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      if (value._placeholder === true && typeof value.num === 'number' && value.num < buffers.length)
        return binaryValue(buffers[value.num]);
    }
    return value;
  });
}
