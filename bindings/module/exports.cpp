// The module's exported functions: what bindings/js/native.js calls. Strings
// come as (pointer, size) of UTF-8, buffers as a table of (pointer, size) pairs,
// all owned by the caller for the duration of the call. Strings go back as a
// pointer to a NUL-terminated copy that stays valid until the next call.
// Errors go back as the stable id (TWINSOCK_ERR_...) or a null pointer.
#include <emscripten/emscripten.h>

#include <cstdint>

#include "bindings.hpp"
#include "js_value.hpp"
#include "options.hpp"
#include "twinsock/error.hpp"

namespace twinsock::bindings {
namespace {

std::string_view text(const char* data, std::size_t size) { return {data, size}; }

std::vector<std::string_view> buffer_list(const std::uint32_t* table, std::size_t count) {
  std::vector<std::string_view> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    out.emplace_back(reinterpret_cast<const char*>(static_cast<std::uintptr_t>(table[2 * i])), table[2 * i + 1]);
  return out;
}

const char* result(std::string value) {
  static std::string last;
  last = std::move(value);
  return last.c_str();
}

const char* error_result(std::error_code error) { return error ? result(std::string(error_id(error))) : nullptr; }

std::uint16_t close_code(int code) { return static_cast<std::uint16_t>(code > 0 && code < 65536 ? code : 1000); }

}  // namespace
}  // namespace twinsock::bindings

using namespace twinsock::bindings;

extern "C" {

// ---- Socket.IO Manager --------------------------------------------------------------------
EMSCRIPTEN_KEEPALIVE JsManager* twinsock_manager_new(const char* url, std::size_t url_size, const char* options,
                                                     std::size_t options_size, Handle fn) {
  return new JsManager(text(url, url_size), text(options, options_size), fn);
}
EMSCRIPTEN_KEEPALIVE void twinsock_manager_delete(JsManager* m) { delete m; }
EMSCRIPTEN_KEEPALIVE JsSocket* twinsock_manager_socket(JsManager* m, const char* nsp, std::size_t nsp_size,
                                                       const char* options, std::size_t options_size, Handle fn) {
  return m->socket(text(nsp, nsp_size), text(options, options_size), fn);
}
EMSCRIPTEN_KEEPALIVE void twinsock_manager_open(JsManager* m) { m->manager().open(); }
// deliver_now: the facade is not inside one of its own event handlers, so the events the
// call causes ("close", the sockets' "disconnect") are delivered before it returns, as
// socket.io-client does; from inside a handler they follow it.
EMSCRIPTEN_KEEPALIVE void twinsock_manager_close(JsManager* m, int deliver_now) {
  m->manager().close();
  if (deliver_now) shared_loop().run_posted();
}
// The state (0 closed, 1 opening, 2 open), plus 4 while reconnecting.
EMSCRIPTEN_KEEPALIVE int twinsock_manager_state(JsManager* m) {
  return static_cast<int>(m->manager().state()) | (m->manager().reconnecting() ? 4 : 0);
}
/// The socket.io-client Manager setters: `options` holds all six (read_reconnection_options).
EMSCRIPTEN_KEEPALIVE void twinsock_manager_reconfigure(JsManager* m, const char* options, std::size_t options_size) {
  twinsock::sio::ManagerOptions o;  // a copy of the Manager's would carry its engine options for nothing
  read_reconnection_options(json_from_js(text(options, options_size)), o);
  m->manager().reconfigure(o);
}
/// Why the last open connection was lost, as an error's JSON (null when it was not).
EMSCRIPTEN_KEEPALIVE const char* twinsock_manager_close_cause(JsManager* m) {
  const auto& cause = m->manager().close_cause();
  return cause.code ? result(error_to_js(cause.code, cause.detail)) : nullptr;
}
EMSCRIPTEN_KEEPALIVE double twinsock_manager_option(JsManager* m, int index) {
  return reconnection_option(m->manager().options(), index);
}
EMSCRIPTEN_KEEPALIVE const char* twinsock_manager_engine_id(JsManager* m) {
  auto* engine = m->manager().engine();
  return result(engine ? engine->id() : std::string());
}
EMSCRIPTEN_KEEPALIVE const char* twinsock_manager_transport(JsManager* m) {
  auto* engine = m->manager().engine();
  return result(engine ? engine->transport_name() : std::string());
}

// ---- Socket.IO Socket (owned by its Manager) ------------------------------------------------
EMSCRIPTEN_KEEPALIVE void twinsock_socket_connect(JsSocket* s) { s->connect(); }
// deliver_now: as twinsock_manager_close.
EMSCRIPTEN_KEEPALIVE void twinsock_socket_disconnect(JsSocket* s, int deliver_now) {
  s->disconnect();
  if (deliver_now) shared_loop().run_posted();
}
/// flags: 1 volatile, 2 compress, 4 emitWithAck, 8 buffers given (else args_json goes out as it is).
EMSCRIPTEN_KEEPALIVE const char* twinsock_socket_emit(JsSocket* s, const char* event, std::size_t event_size,
                                                      const char* json, std::size_t json_size,
                                                      const std::uint32_t* buffers, std::size_t buffer_count,
                                                      double ack_id, double timeout_ms, int flags) {
  const JsEmit how{.ack_id = ack_id, .timeout_ms = timeout_ms, .is_volatile = (flags & 1) != 0,
                   .compress = (flags & 2) != 0, .with_ack = (flags & 4) != 0};
  return error_result(s->emit(text(event, event_size), text(json, json_size), (flags & 8) != 0,
                              buffer_list(buffers, buffer_count), how));
}
EMSCRIPTEN_KEEPALIVE void twinsock_socket_reply(JsSocket* s, double reply_id, const char* json, std::size_t json_size,
                                                const std::uint32_t* buffers, std::size_t buffer_count) {
  s->reply(reply_id, text(json, json_size), buffer_list(buffers, buffer_count));
}
EMSCRIPTEN_KEEPALIVE void twinsock_socket_send_buffer(JsSocket* s) { s->report_send_buffer(); }
EMSCRIPTEN_KEEPALIVE void twinsock_socket_auth(JsSocket* s, const char* json, std::size_t json_size) {
  s->answer_auth(text(json, json_size));
}
/// `keep`: a Float64Array's bytes, the numbers of the emits to keep in ascending order.
EMSCRIPTEN_KEEPALIVE void twinsock_socket_keep_buffered(JsSocket* s, const double* keep, std::size_t count) {
  s->keep_buffered(keep, count);
}
EMSCRIPTEN_KEEPALIVE const char* twinsock_socket_id(JsSocket* s) { return result(s->socket().id()); }
/// 1 connected, 2 active, 4 recovered
EMSCRIPTEN_KEEPALIVE int twinsock_socket_state(JsSocket* s) {
  auto& socket = s->socket();
  return (socket.connected() ? 1 : 0) | (socket.active() ? 2 : 0) | (socket.recovered() ? 4 : 0);
}

// ---- ReconnectingWebSocket ------------------------------------------------------------------
EMSCRIPTEN_KEEPALIVE JsWebSocket* twinsock_ws_new(const char* url, std::size_t url_size, const char* options,
                                                  std::size_t options_size, Handle fn) {
  return new JsWebSocket(text(url, url_size), text(options, options_size), fn);
}
EMSCRIPTEN_KEEPALIVE void twinsock_ws_delete(JsWebSocket* w) { delete w; }
EMSCRIPTEN_KEEPALIVE const char* twinsock_ws_send(JsWebSocket* w, int binary, const char* data, std::size_t size) {
  const std::string_view payload(data, size);
  return error_result(binary ? w->client().send_binary(twinsock::as_bytes(payload)) : w->client().send(payload));
}
EMSCRIPTEN_KEEPALIVE void twinsock_ws_close(JsWebSocket* w, int code, const char* reason, std::size_t reason_size) {
  w->client().close(close_code(code), std::string(reason, reason_size));
}
EMSCRIPTEN_KEEPALIVE void twinsock_ws_reconnect(JsWebSocket* w, int code, const char* reason,
                                                std::size_t reason_size) {
  w->client().reconnect(close_code(code), std::string(reason, reason_size));
}
EMSCRIPTEN_KEEPALIVE void twinsock_ws_connect(JsWebSocket* w) { w->client().connect(); }
EMSCRIPTEN_KEEPALIVE int twinsock_ws_ready_state(JsWebSocket* w) {
  return static_cast<int>(w->client().ready_state());
}
EMSCRIPTEN_KEEPALIVE double twinsock_ws_buffered_amount(JsWebSocket* w) {
  return static_cast<double>(w->client().buffered_amount());
}
EMSCRIPTEN_KEEPALIVE const char* twinsock_ws_protocol(JsWebSocket* w) { return result(w->client().protocol()); }
EMSCRIPTEN_KEEPALIVE const char* twinsock_ws_url(JsWebSocket* w) { return result(w->client().url()); }
EMSCRIPTEN_KEEPALIVE double twinsock_ws_retry_count(JsWebSocket* w) { return w->client().retry_count(); }

// ---- EventSourceClient (fetch backend) ------------------------------------------------------
EMSCRIPTEN_KEEPALIVE JsEventSource* twinsock_sse_new(const char* url, std::size_t url_size, const char* options,
                                                     std::size_t options_size, Handle fn) {
  return new JsEventSource(text(url, url_size), text(options, options_size), fn);
}
EMSCRIPTEN_KEEPALIVE void twinsock_sse_delete(JsEventSource* e) { delete e; }
EMSCRIPTEN_KEEPALIVE void twinsock_sse_connect(JsEventSource* e) { e->client().connect(); }
EMSCRIPTEN_KEEPALIVE void twinsock_sse_close(JsEventSource* e) { e->client().close(); }
EMSCRIPTEN_KEEPALIVE int twinsock_sse_ready_state(JsEventSource* e) {
  return static_cast<int>(e->client().ready_state());
}
EMSCRIPTEN_KEEPALIVE const char* twinsock_sse_last_event_id(JsEventSource* e) {
  return result(e->client().last_event_id());
}
EMSCRIPTEN_KEEPALIVE const char* twinsock_sse_url(JsEventSource* e) { return result(e->client().url()); }
EMSCRIPTEN_KEEPALIVE double twinsock_sse_reconnection_time(JsEventSource* e) {
  return static_cast<double>(e->client().reconnection_time().count());
}

}  // extern "C"
