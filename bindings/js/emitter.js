// The event emitter of the facade (socket.io's component-emitter surface).
// A listener that throws is reported and does not stop the others.
import { reportListenerError } from './errors.js';

export class Emitter {
  #listeners = new Map();

  on(event, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    const list = this.#listeners.get(event);
    if (list) list.push(fn);
    else this.#listeners.set(event, [fn]);
    return this;
  }
  addEventListener(event, fn) { return this.on(event, fn); }

  once(event, fn) {
    const wrapper = (...args) => {
      this.off(event, wrapper);
      fn.apply(this, args);
    };
    wrapper.fn = fn;
    return this.on(event, wrapper);
  }

  off(event, fn) {
    if (event === undefined) {
      this.#listeners.clear();
      return this;
    }
    if (fn === undefined) {
      this.#listeners.delete(event);
      return this;
    }
    const list = this.#listeners.get(event);
    if (!list) return this;
    const i = list.findIndex((l) => l === fn || l.fn === fn || (l.fn !== undefined && l.fn.fn === fn));
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }
  removeListener(event, fn) { return this.off(event, fn); }
  removeAllListeners(event) { return this.off(event); }
  removeEventListener(event, fn) { return this.off(event, fn); }

  listeners(event) { return [...(this.#listeners.get(event) ?? [])]; }
  hasListeners(event) { return (this.#listeners.get(event)?.length ?? 0) > 0; }

  /** Calls every listener of `event`; returns true when there was one. */
  emitReserved(event, ...args) {
    const list = this.#listeners.get(event);
    if (!list) return false;
    if (list.length === 1) safeCall(this, list[0], args);  // the usual case: no copy
    else for (const fn of [...list]) safeCall(this, fn, args);
    return true;
  }
}

export function safeCall(self, fn, args) {
  try {
    return fn.apply(self, args);
  } catch (error) {
    reportListenerError(error);
    return undefined;
  }
}

/**
 * An Emitter with the DOM EventTarget's ways (for the WebSocket and EventSource
 * clients): addEventListener options, and on<type> handler properties, declared
 * per class with withHandlerProperties().
 */
export class DomEmitter extends Emitter {
  #handlers = Object.create(null);

  /** Calls the on<type> handler when one is set, then the listeners, as the DOM does. */
  fire(type, event) {
    const handler = this.#handlers[type];
    if (typeof handler === 'function') safeCall(this, handler, [event]);
    this.emitReserved(type, event);
  }

  static handlerProperty(type) {
    return {
      get() { return this.#handlers[type] ?? null; },
      set(fn) { this.#handlers[type] = typeof fn === 'function' ? fn : null; },
      enumerable: true,
      configurable: true,
    };
  }

  /**
   * `options.once` and `options.signal` (an AbortSignal that removes it) are honoured; a listener
   * is added once; an object listener's handleEvent(event) is called, as the DOM does.
   */
  addEventListener(event, fn, options) {
    let listener = fn;
    if (typeof fn !== 'function') {
      if (typeof fn !== 'object' || fn === null) return this;
      listener = function (e) { return typeof fn.handleEvent === 'function' ? fn.handleEvent(e) : undefined; };
      listener.fn = fn;
    }
    const once = typeof options === 'object' && options !== null && !!options.once;
    const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
    if (signal?.aborted) return this;
    if (this.listeners(event).some((l) => l === fn || l.fn === fn || l.fn?.fn === fn)) return this;  // added once
    if (once) this.once(event, listener);
    else this.on(event, listener);
    signal?.addEventListener('abort', () => this.off(event, fn), { once: true });
    return this;
  }
}

/** Defines onopen, onmessage, ... on `Class` for the given event types. */
export function withHandlerProperties(Class, types) {
  for (const type of types) Object.defineProperty(Class.prototype, `on${type}`, DomEmitter.handlerProperty(type));
}
