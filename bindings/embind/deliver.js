// The deliveries that happen once per message (a Socket.IO event, an ack, an SSE
// message, a WebSocket message) as direct imports: embind's val::operator() looks up every
// argument's registered type on each call, about 1 µs per message in Node.
// Strings cross as (pointer, size) and are decoded here (NULs included);
// JS values as embind handles, which the caller keeps alive for the call.
mergeInto(LibraryManager.library, {
  twinsock_js_deliver_event__deps: ['$TWS', '$Emval'],
  twinsock_js_deliver_event: function (fn, name, nameSize, json, jsonSize, buffers, replyId) {
    Emval.toValue(fn)('event', TWS.decode(name, nameSize), TWS.decode(json, jsonSize), Emval.toValue(buffers), replyId);
  },
  twinsock_js_deliver_ack__deps: ['$TWS', '$Emval'],
  twinsock_js_deliver_ack: function (fn, ackId, error, json, jsonSize, buffers) {
    Emval.toValue(fn)('ack', ackId, Emval.toValue(error), TWS.decode(json, jsonSize), Emval.toValue(buffers));
  },
  twinsock_js_deliver_ws_message__deps: ['$TWS', '$Emval'],
  twinsock_js_deliver_ws_message: function (fn, binary, data, size) {
    Emval.toValue(fn)('message', binary ? HEAPU8.slice(data, data + size) : TWS.decode(data, size));
  },
  twinsock_js_deliver_sse_message__deps: ['$TWS', '$Emval'],
  twinsock_js_deliver_sse_message: function (fn, type, data, dataSize, lastEventId) {
    Emval.toValue(fn)('message', Emval.toValue(type), TWS.decode(data, dataSize), Emval.toValue(lastEventId));
  },
});
