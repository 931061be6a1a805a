// Socket.IO arguments across the wasm boundary: JSON text plus a list of byte
// arrays, each binary value (ArrayBuffer, typed array, DataView, Buffer, at any
// depth) standing in the JSON as {"__twinsock_binary__": index}.
import { isNode } from './core.js';

const PLACEHOLDER = '__twinsock_binary__';

export function encodeArgs(args) {
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

export function decodeArgs({ json, buffers }) {
  if (buffers.length === 0) return JSON.parse(json);
  return JSON.parse(json, (key, value) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === PLACEHOLDER) return binaryValue(buffers[value[PLACEHOLDER]]);
    }
    return value;
  });
}
