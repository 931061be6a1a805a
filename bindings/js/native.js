// The module's objects as JavaScript classes: Manager, Socket, WebSocketClient and
// EventSourceClient over the exported C functions of bindings/module/exports.cpp.
// The facade owns them (lifetime.js): delete() frees the C++ object and drops
// its dispatcher, after which nothing reaches JavaScript from it.
//
// Strings and buffers are copied into one block of the wasm heap per call and
// freed after it; the heap's views are read afresh each time, because the heap
// moves when it grows.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bindNative(m) {
  const handlers = m.twinsockHandlers;
  let nextHandle = 1;
  let depth = 0;  // > 0 while the module is calling the facade (and so, maybe, user code)
  const register = (dispatch) => {
    const handle = nextHandle++;
    handlers.set(handle, (type, a, b, c, d) => {
      ++depth;
      try {
        return dispatch(type, a, b, c, d);
      } finally {
        --depth;
      }
    });
    return handle;
  };
  // Calls outside the facade's event handlers deliver the events they cause before they
  // return (socket.io-client's disconnect() does); inside one, those follow the handler.
  const deliverNow = () => (depth === 0 ? 1 : 0);
  const string = (ptr) => {
    if (!ptr) return '';
    const heap = m.HEAPU8;
    const end = heap.indexOf(0, ptr);
    return decoder.decode(heap.subarray(ptr, end));
  };

  // UTF-8 of `text` at `at` (room for 3 bytes per UTF-16 unit, or `encoded`'s
  // length when given): short ASCII in a loop, which beats a TextEncoder call.
  function put(heap, at, text, encoded) {
    if (encoded) {
      heap.set(encoded, at);
      return encoded.length;
    }
    if (text.length < 256) {
      let i = 0;
      for (; i < text.length; ++i) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        heap[at + i] = c;
      }
      if (i === text.length) return i;
    }
    return encoder.encodeInto(text, heap.subarray(at, at + text.length * 3)).written;
  }

  // Calls fn(ptr1, size1, ptr2, size2, tablePtr, count) with two strings (UTF-8)
  // and the buffers (Uint8Arrays, listed in a table of pointer/size pairs) copied
  // into one block of the heap. Long strings are encoded first, so that the block
  // does not triple.
  function withData(text1, text2, buffers, fn) {
    const encoded1 = text1.length > 65536 ? encoder.encode(text1) : null;
    const encoded2 = text2.length > 65536 ? encoder.encode(text2) : null;
    const count = buffers ? buffers.length : 0;
    let capacity = 8 + count * 8 + (encoded1 ? encoded1.length : text1.length * 3) +
                   (encoded2 ? encoded2.length : text2.length * 3);
    for (let i = 0; i < count; ++i) capacity += buffers[i].byteLength;
    const block = m._twinsock_js_alloc(capacity);
    try {
      const heap = m.HEAPU8;
      const size1 = put(heap, block, text1, encoded1);
      const ptr2 = block + size1;
      const size2 = put(heap, ptr2, text2, encoded2);
      const table = (ptr2 + size2 + 7) & ~7;  // 8: the first buffer may be read as doubles
      let at = table + count * 8;
      for (let i = 0; i < count; ++i) {
        heap.set(buffers[i], at);
        m.HEAPU32[(table >> 2) + 2 * i] = at;
        m.HEAPU32[(table >> 2) + 2 * i + 1] = buffers[i].byteLength;
        at += buffers[i].byteLength;
      }
      return fn(block, size1, ptr2, size2, table, count);
    } finally {
      m._twinsock_js_free(block);
    }
  }

  // A C++ object the facade owns, and the dispatchers it reports to. Once freed it
  // answers as a closed client: nothing reaches the freed memory, calls that
  // would act are refused (TWINSOCK_ERR_INVALID_STATE) or do nothing.
  const FREED = 'TWINSOCK_ERR_INVALID_STATE';
  class Owned {
    constructor(free, dispatch) {
      this.ptr = 0;
      this.free = free;
      this.handles = [register(dispatch)];
    }
    delete() {
      if (!this.ptr) return;
      for (const handle of this.handles) handlers.delete(handle);
      const ptr = this.ptr;
      this.ptr = 0;
      // Inside an event or a question from the module (a listener or shouldReconnect
      // calling dispose()), the C++ object is still at work below this call: it is freed
      // once that work has returned. Nothing reaches JavaScript from it meanwhile.
      if (depth > 0) queueMicrotask(() => this.free(ptr));
      else this.free(ptr);
    }
  }

  /** A Socket.IO Socket: owned by its Manager, freed with it. */
  class Socket {
    #ptr;
    #manager;
    #buffered;
    constructor(ptr, manager) {
      this.#ptr = ptr;
      this.#manager = manager;
    }
    #live() { return this.#manager.ptr ? this.#ptr : 0; }
    connect() { if (this.#live()) m._twinsock_socket_connect(this.#ptr); }
    disconnect() { if (this.#live()) m._twinsock_socket_disconnect(this.#ptr, deliverNow()); }
    /** Returns "" or the error's stable id. buffers null: args_json is sent as it is. */
    emit(event, json, buffers, ackId, timeoutMs, isVolatile, compress, withAck) {
      if (!this.#live()) return FREED;
      const flags = (isVolatile ? 1 : 0) | (compress ? 2 : 0) | (withAck ? 4 : 0) | (buffers ? 8 : 0);
      return string(withData(event, json, buffers, (e, en, j, jn, table, count) =>
        m._twinsock_socket_emit(this.#ptr, e, en, j, jn, table, count, ackId, timeoutMs, flags)));
    }
    reply(replyId, json, buffers) {
      if (!this.#live()) return;
      withData(json, '', buffers, (j, jn, _p, _n, table, count) => m._twinsock_socket_reply(this.#ptr, replyId, j, jn, table, count));
    }
    /** The emits waiting in the send buffer: { seqs, json, buffers } (json a list of [event, arg...]). */
    sendBuffer() {
      this.#buffered = { seqs: [], json: '[]', buffers: undefined };
      if (this.#live()) m._twinsock_socket_send_buffer(this.#ptr);
      return this.#buffered;
    }
    _take(seqs, json, buffers) { this.#buffered = { seqs, json, buffers }; }
    /** Drops every buffered emit whose number `seqs` does not list. */
    keepBuffered(seqs) {
      if (!this.#live()) return;
      const keep = new Float64Array(seqs).sort();
      withData('', '', [new Uint8Array(keep.buffer)], (_p1, _n1, _p2, _n2, table) =>
        m._twinsock_socket_keep_buffered(this.#ptr, m.HEAPU32[table >> 2], keep.length));
    }
    /** The auth function's answer to the latest "auth" the socket asked for. */
    answerAuth(json) {
      if (this.#live()) withData(json, '', null, (j, jn) => m._twinsock_socket_auth(this.#ptr, j, jn));
    }
    id() { return this.#live() ? string(m._twinsock_socket_id(this.#ptr)) : ''; }
    #state() { return this.#live() ? m._twinsock_socket_state(this.#ptr) : 0; }
    connected() { return (this.#state() & 1) !== 0; }
    active() { return (this.#state() & 2) !== 0; }
    recovered() { return (this.#state() & 4) !== 0; }
  }

  class Manager extends Owned {
    constructor(url, optionsJson, dispatch) {
      super(m._twinsock_manager_delete, dispatch);
      this.ptr = withData(url, optionsJson, null, (u, un, o, on) => m._twinsock_manager_new(u, un, o, on, this.handles[0]));
    }
    /** The Socket of `nsp`, owned by this Manager (one per namespace); its dispatcher goes with the Manager. */
    socket(nsp, optionsJson, dispatch) {
      let socket;
      const handle = register((type, a, b, c, d) => (type === 'send_buffer' ? socket._take(a, b, c) : dispatch(type, a, b, c, d)));
      this.handles.push(handle);
      socket = new Socket(withData(nsp, optionsJson, null,
                                   (n, nn, o, on) => m._twinsock_manager_socket(this.ptr, n, nn, o, on, handle)), this);
      return socket;
    }
    open() { if (this.ptr) m._twinsock_manager_open(this.ptr); }
    close() { if (this.ptr) m._twinsock_manager_close(this.ptr, deliverNow()); }
    /** 0 closed, 1 opening, 2 open. */
    state() { return this.#stateBits() & 3; }
    /** Opening, open, or waiting to reconnect: events are still to come. */
    busy() { return this.#stateBits() !== 0; }
    #stateBits() { return this.ptr ? m._twinsock_manager_state(this.ptr) : 0; }
    /** Sets the six options of the Manager setters from `optionsJson` (all of them; option() reads each). */
    reconfigure(optionsJson) {
      if (this.ptr) withData(optionsJson, '', null, (o, on) => m._twinsock_manager_reconfigure(this.ptr, o, on));
    }
    /** reconnection, reconnectionAttempts, reconnectionDelay, reconnectionDelayMax, randomizationFactor, timeout. */
    option(index) { return this.ptr ? m._twinsock_manager_option(this.ptr, index) : undefined; }
    engineId() { return this.ptr ? string(m._twinsock_manager_engine_id(this.ptr)) : ''; }
    transport() { return this.ptr ? string(m._twinsock_manager_transport(this.ptr)) : ''; }
    /** Why the last open connection was lost: {code, message, detail}, or null. */
    closeCause() {
      const text = this.ptr ? string(m._twinsock_manager_close_cause(this.ptr)) : '';
      return text ? JSON.parse(text) : null;
    }
  }

  class WebSocketClient extends Owned {
    #url;
    constructor(url, optionsJson, dispatch) {
      super(m._twinsock_ws_delete, dispatch);
      this.ptr = withData(url, optionsJson, null, (u, un, o, on) => m._twinsock_ws_new(u, un, o, on, this.handles[0]));
      this.#url = string(m._twinsock_ws_url(this.ptr));
    }
    send(text) {
      if (!this.ptr) return FREED;
      return string(withData(text, '', null, (t, tn) => m._twinsock_ws_send(this.ptr, 0, t, tn)));
    }
    sendBinary(bytes) {
      if (!this.ptr) return FREED;
      return string(withData('', '', [bytes], (_p1, _n1, _p2, _n2, table) => m._twinsock_ws_send(this.ptr, 1, m.HEAPU32[table >> 2], bytes.byteLength)));
    }
    close(code, reason) {
      if (this.ptr) withData(String(reason), '', null, (r, rn) => m._twinsock_ws_close(this.ptr, code, r, rn));
    }
    reconnect(code, reason) {
      if (this.ptr) withData(String(reason), '', null, (r, rn) => m._twinsock_ws_reconnect(this.ptr, code, r, rn));
    }
    connect() { if (this.ptr) m._twinsock_ws_connect(this.ptr); }
    readyState() { return this.ptr ? m._twinsock_ws_ready_state(this.ptr) : 3; }
    bufferedAmount() { return this.ptr ? m._twinsock_ws_buffered_amount(this.ptr) : 0; }
    protocol() { return this.ptr ? string(m._twinsock_ws_protocol(this.ptr)) : ''; }
    /** The URL of the current attempt (a URL provider changes it); kept once freed. */
    url() { return this.ptr ? (this.#url = string(m._twinsock_ws_url(this.ptr))) : this.#url; }
    retryCount() { return this.ptr ? m._twinsock_ws_retry_count(this.ptr) : 0; }
  }

  class EventSourceClient extends Owned {
    #url;
    #lastEventId = '';
    constructor(url, optionsJson, dispatch) {
      // The module sends the last event ID only when it changes.
      super(m._twinsock_sse_delete, (type, a, b, c) => {
        if (type === 'message') {
          if (c === undefined) c = this.#lastEventId;
          else this.#lastEventId = c;
        }
        return dispatch(type, a, b, c);
      });
      this.ptr = withData(url, optionsJson, null, (u, un, o, on) => m._twinsock_sse_new(u, un, o, on, this.handles[0]));
      this.#url = string(m._twinsock_sse_url(this.ptr));
      this.#lastEventId = string(m._twinsock_sse_last_event_id(this.ptr));
    }
    connect() { if (this.ptr) m._twinsock_sse_connect(this.ptr); }
    close() { if (this.ptr) m._twinsock_sse_close(this.ptr); }
    readyState() { return this.ptr ? m._twinsock_sse_ready_state(this.ptr) : 2; }
    lastEventId() { return this.ptr ? string(m._twinsock_sse_last_event_id(this.ptr)) : this.#lastEventId; }
    url() { return this.#url; }
    reconnectionTime() { return this.ptr ? m._twinsock_sse_reconnection_time(this.ptr) : 0; }
  }

  return { Manager, WebSocketClient, EventSourceClient };
}
