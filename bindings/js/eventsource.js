// EventSourceClient: the DOM EventSource's surface, plus what EventSource lacks
// (headers, POST with a body, a saved Last-Event-ID, backoff, an idle timeout).
//
// Two backends behind one surface: a plain GET stream runs on the platform's
// own EventSource when there is one (transport: "auto", the default); a stream
// that asks for more, or `transport: "fetch"`, runs on the C++ sse::Client over
// fetch() — the same parser and rules as the native client.
import { core, EventSourceImpl } from './core.js';
import { DomEventSource, eventSourceSuffices } from './dom_eventsource.js';
import { DomEmitter, withHandlerProperties } from './emitter.js';
import { toError } from './errors.js';
import { keepAlive, own, release, weakDispatcher } from './lifetime.js';
import { deliverTrace, tracer } from './debug.js';
import { resolveAgainstPage } from './page_url.js';

const NO_CONTENT = { code: 'TWINSOCK_ERR_CLOSED_BY_SERVER', message: 'connection closed by the server',
                     detail: 'HTTP 204 No Content: the server asked the client not to reconnect' };

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

export class EventSourceClient extends DomEmitter {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;

  #native;
  #disposed = false;
  #origin;  // of this connection's URL: parsed once per connection, not per event
  #trace;   // protocol trace (the fetch backend only: the platform's EventSource shows none)

  constructor(url, options) {
    super();
    options = { ...(options ?? {}) };
    url = resolveAgainstPage(url);
    this.withCredentials = !!options.withCredentials;
    const dispatch = weakDispatcher(this, '_onNative');
    // Not http(s): the core refuses it at once and for good, where an EventSource would retry.
    const httpUrl = /^https?:\/\//i.test(url);
    const useEventSource = options.transport === 'eventsource' || (httpUrl && eventSourceSuffices(options) && EventSourceImpl);
    if (useEventSource && !EventSourceImpl) throw new TypeError('transport "eventsource": no EventSource here (install the `eventsource` package)');
    this.transport = useEventSource ? 'eventsource' : 'fetch';
    this.#trace = tracer(options.debug, 'eventsource');
    options.trace = !!this.#trace;
    this.#native = useEventSource ? new DomEventSource(EventSourceImpl, url, options, dispatch)
                                  : new core.EventSourceClient(url, JSON.stringify(options), dispatch);
    own(this, this.#native);
    keepAlive(this, !options.startClosed);
  }

  get readyState() { return this.#native.readyState(); }
  get url() { return this.#native.url(); }
  get lastEventId() { return this.#native.lastEventId(); }
  /** The current reconnection delay in ms (the server's `retry:` or the default). */
  get reconnectionTime() { return this.#native.reconnectionTime(); }

  connect() {
    if (this.#disposed) return;  // a freed client stays closed
    keepAlive(this, true);
    this.#native.connect();
  }
  close() {
    this.#native.close();
  }
  /** Listening to an event type: the EventSource backend must subscribe to it too. */
  on(event, fn) {
    this.#native.listen?.(event);
    return super.on(event, fn);
  }
  dispose() {
    this.#disposed = true;
    keepAlive(this, false);
    release(this, this.#native);
  }

  _onNative(type, a, b, c) {
    switch (type) {
      case 'trace':
        return deliverTrace(this.#trace, a);
      case 'open':
        this.#origin = undefined;
        return this.fire('open', { type: 'open', target: this });
      case 'message':
        this.#origin ??= originOf(this.url);
        return this.fire(a, { type: a, data: b, lastEventId: c, origin: this.#origin, target: this });
      case 'error': {
        const error = toError(a);
        return this.fire('error', { type: 'error', error, message: error?.message ?? '', status: b || undefined, target: this });
      }
      case 'reconnecting':
        return this.fire('reconnecting', { type: 'reconnecting', attempt: a, delay: b, target: this });
      case 'close':  // a: the last HTTP status
        keepAlive(this, false);
        if (a === 204) {  // the server said stop: an EventSource fires "error" for that too
          const error = toError(NO_CONTENT);
          this.fire('error', { type: 'error', error, message: error.message, status: 204, target: this });
        }
        return this.fire('close', { type: 'close', target: this });
      default:
        return undefined;
    }
  }
}
Object.assign(EventSourceClient.prototype, { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
withHandlerProperties(EventSourceClient, ['open', 'message', 'error']);
