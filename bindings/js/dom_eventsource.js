// The EventSourceClient backend for plain streams: the platform's own
// EventSource (the browser's; in Node a global one, else the optional peer
// `eventsource`). It speaks the same small interface as the WebAssembly
// client (connect, close, readyState, lastEventId, url, reconnectionTime,
// delete, events through `dispatch`), so EventSourceClient does not care which
// one it drives.
//
// An EventSource delivers only the event types someone listens to, so the
// facade calls listen(type) for every type a user subscribes to. A server may
// name its events "error" or "open" too: those come as MessageEvents (with
// `data`), the connection's own as plain events, which onopen/onerror handle.

const CLOSED = 2;

/** Options only the fetch-based client implements: any of them rules EventSource out. */
const FETCH_ONLY_OPTIONS = ['headers', 'body', 'lastEventId', 'idleTimeout', 'connectionTimeout', 'reconnect',
                            'minReconnectionDelay', 'maxReconnectionDelay', 'reconnectionDelayGrowFactor', 'jitter',
                            'maxRetries', 'maxEventSize', 'maxLineLength'];

export function eventSourceSuffices(options) {
  if (options.transport === 'fetch') return false;
  if (options.method && String(options.method).toUpperCase() !== 'GET') return false;
  return !FETCH_ONLY_OPTIONS.some((key) => {
    const value = options[key];
    if (value === undefined || value === null) return false;
    return typeof value !== 'object' || Object.keys(value).length > 0;
  });
}

export class DomEventSource {
  #Impl;
  #url;
  #withCredentials;
  #dispatch;
  #source = null;
  #types = new Set(['message']);
  #lastEventId = '';
  #trustsLastEventId;
  #onMessage = (event) => {
    if (!('data' in event)) return;  // the connection's own open or error event
    // The WHATWG rule: the last event id stays until an `id:` field changes it. The
    // `eventsource` package (v4) reports "" for events without one: keep ours then.
    if (this.#trustsLastEventId || event.lastEventId) this.#lastEventId = event.lastEventId ?? this.#lastEventId;
    this.#dispatch('message', event.type, String(event.data), this.#lastEventId);
  };

  constructor(Impl, url, options, dispatch) {
    this.#Impl = Impl;
    this.#url = String(url);
    this.#withCredentials = !!options.withCredentials;
    this.#dispatch = dispatch;
    this.#trustsLastEventId = Impl === globalThis.EventSource;
    if (!options.startClosed) this.connect();
  }

  connect() {
    if (this.#source) return;
    let source;
    try {
      source = new this.#Impl(this.#url, { withCredentials: this.#withCredentials });
    } catch (error) {
      queueMicrotask(() => {
        this.#dispatch('error', { code: 'TWINSOCK_ERR_INVALID_ARGUMENT', message: 'invalid argument', detail: error.message }, 0);
        this.#dispatch('close');
      });
      return;
    }
    this.#source = source;
    source.onopen = () => this.#dispatch('open');
    source.onerror = (event) => this.#onError(source, event);
    for (const type of this.#types) source.addEventListener(type, this.#onMessage);
  }

  listen(type) {
    if (this.#types.has(type)) return;
    this.#types.add(type);
    this.#source?.addEventListener(type, this.#onMessage);
  }

  close() {
    if (!this.#source) return;
    this.#detach();
    queueMicrotask(() => this.#dispatch('close'));
  }

  readyState() { return this.#source ? this.#source.readyState : CLOSED; }
  lastEventId() { return this.#lastEventId; }
  url() { return this.#source?.url ?? this.#url; }
  reconnectionTime() { return 3000; }  // the spec's default; EventSource does not expose `retry:`
  delete() { this.#detach(); }

  #detach() {
    const source = this.#source;
    if (!source) return;
    this.#source = null;
    source.onopen = source.onerror = null;
    for (const type of this.#types) source.removeEventListener(type, this.#onMessage);
    source.close();
  }

  #onError(source, event) {
    if (source !== this.#source) return;
    const status = Number(event?.code) || 0;  // the `eventsource` package tells the status; browsers do not
    if (source.readyState === CLOSED) {
      this.#detach();
      // As the fetch client: a 204 goes with "close" (the facade makes its error event);
      // a wrong Content-Type has its own error.
      const detail = event?.message ?? '';
      if (status !== 204) {
        let code = status ? 'TWINSOCK_ERR_HTTP_STATUS' : 'TWINSOCK_ERR_CONNECT_FAILED';
        let message = status ? 'server answered with an unexpected HTTP status' : 'the event stream could not be opened';
        if (/content.?type/i.test(detail)) {
          code = 'TWINSOCK_ERR_SSE_BAD_CONTENT_TYPE';
          message = 'response is not text/event-stream';
        }
        this.#dispatch('error', { code, message, detail }, status);
      }
      this.#dispatch('close', status);
    } else {
      this.#dispatch('error', { code: 'TWINSOCK_ERR_CONNECTION_CLOSED', message: 'connection closed by peer',
                                detail: 'the event stream was lost; reconnecting' }, status);
    }
  }
}
