// The module's calls into the facade (bindings/module/js_calls.hpp). Every
// client object reports to a dispatcher the facade registered under an integer
// handle (Module.twinsockHandlers); a handle that is gone is ignored. Strings
// cross as (pointer, size), buffers as a table of (pointer, size) pairs, and
// both are copied out at once: the wasm heap may move on the next allocation.
mergeInto(LibraryManager.library, {
  $TWB__deps: ['$TWS'],
  $TWB: {
    dispatcher: function (handle) {
      return Module['twinsockHandlers'].get(handle);
    },
    // Uint8Array copies of the buffers a table lists, or undefined when there are none.
    buffers: function (table, count) {
      if (!count) return undefined;
      var out = [];
      for (var i = 0; i < count; ++i) {
        var ptr = HEAPU32[(table >> 2) + 2 * i], size = HEAPU32[(table >> 2) + 2 * i + 1];
        out.push(HEAPU8.slice(ptr, ptr + size));
      }
      return out;
    },
    object: function (json, size) {
      return size ? JSON.parse(TWS.decode(json, size)) : null;
    },
  },
  twinsock_js_signal__deps: ['$TWB'],
  twinsock_js_signal: function (handle, type) {
    var fn = TWB.dispatcher(handle);
    if (fn) fn(TWS.cstring(type));
  },
  twinsock_js_text__deps: ['$TWB'],
  twinsock_js_text: function (handle, type, text, size) {
    var fn = TWB.dispatcher(handle);
    if (fn) fn(TWS.cstring(type), TWS.decode(text, size));
  },
  twinsock_js_numbers__deps: ['$TWB'],
  twinsock_js_numbers: function (handle, type, a, b) {
    var fn = TWB.dispatcher(handle);
    if (fn) fn(TWS.cstring(type), a, b);
  },
  twinsock_js_object__deps: ['$TWB'],
  twinsock_js_object: function (handle, type, json, size, number) {
    var fn = TWB.dispatcher(handle);
    if (fn) fn(TWS.cstring(type), TWB.object(json, size), number);
  },
  // Socket.IO arguments: an event, an ack, a send buffer, or the data of a refused CONNECT.
  twinsock_js_args__deps: ['$TWB'],
  twinsock_js_args: function (handle, type, number, name, nameSize, error, errorSize, json, jsonSize, table, count) {
    var fn = TWB.dispatcher(handle);
    if (!fn) return;
    type = TWS.cstring(type);
    var text = TWS.decode(json, jsonSize), buffers = TWB.buffers(table, count);
    if (type == 'event') return fn(type, TWS.decode(name, nameSize), text, buffers, number);
    if (type == 'ack') return fn(type, number, TWB.object(error, errorSize), text, buffers);
    if (type == 'send_buffer') return fn(type, TWB.object(error, errorSize), text, buffers);
    var info = TWB.object(error, errorSize);
    info['data'] = { 'json': text, 'buffers': buffers };
    fn(type, info);
  },
  twinsock_js_ws_message__deps: ['$TWB'],
  twinsock_js_ws_message: function (handle, binary, data, size) {
    var fn = TWB.dispatcher(handle);
    if (fn) fn('message', binary ? HEAPU8.slice(data, data + size) : TWS.decode(data, size));
  },
  // lastEventId is undefined when it has not changed (the facade keeps the last one).
  twinsock_js_sse_message__deps: ['$TWB'],
  twinsock_js_sse_message: function (handle, type, typeSize, data, dataSize, id, idSize) {
    var fn = TWB.dispatcher(handle);
    if (fn) fn('message', type ? TWS.decode(type, typeSize) : 'message', TWS.decode(data, dataSize),
               idSize < 0 ? undefined : TWS.decode(id, idSize));
  },
  // What fn(type) returns ("auth": the auth object's JSON text; "options": the Manager's
  // options as JSON), NUL-terminated on the wasm heap (the caller frees it), or 0.
  twinsock_js_ask__deps: ['$TWB'],
  twinsock_js_ask: function (handle, type) {
    var fn = TWB.dispatcher(handle);
    var text = fn ? fn(TWS.cstring(type)) : undefined;
    if (typeof text != 'string') return 0;
    var size = lengthBytesUTF8(text) + 1;
    var ptr = _twinsock_js_alloc(size);
    stringToUTF8(text, ptr, size);
    return ptr;
  },
});
