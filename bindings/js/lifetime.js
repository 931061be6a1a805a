// Who owns the module's objects (native.js): the facade. Users never call delete().
//
// - An object that is connecting, open or reconnecting is kept alive (in
//   `active`) even if the user drops every reference, as a browser keeps an open
//   WebSocket alive.
// - Native callbacks reach the facade through a WeakRef, so a dropped, inactive
//   facade object can be collected; the FinalizationRegistry then deletes its
//   native object.

import { reportListenerError } from './errors.js';

const active = new Set();
const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((native) => {
      try { native.delete(); } catch { /* already deleted */ }
    })
  : null;

/** Registers `native` to be deleted once `owner` is garbage collected. */
export function own(owner, native) {
  finalizer?.register(owner, native, owner);
}

/** Deletes `native` now (explicit dispose) and forgets the registration. */
export function release(owner, native) {
  finalizer?.unregister(owner);
  active.delete(owner);
  try { native.delete(); } catch { /* already deleted */ }
}

export function keepAlive(owner, alive) {
  if (alive) active.add(owner);
  else active.delete(owner);
}

/** A native event dispatcher that does not keep `owner` alive. */
export function weakDispatcher(owner, method) {
  const ref = new WeakRef(owner);
  return (...args) => {
    const target = ref.deref();
    if (!target) return undefined;
    try {
      return target[method](...args);
    } catch (error) {  // never let a throw unwind through wasm
      reportListenerError(error);
      return undefined;
    }
  };
}
