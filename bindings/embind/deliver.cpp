#include "deliver.hpp"

#include <cstddef>

extern "C" {
void twinsock_js_deliver_event(emscripten::EM_VAL fn, const char* name, std::size_t name_size, const char* json,
                               std::size_t json_size, emscripten::EM_VAL buffers, double reply_id);
void twinsock_js_deliver_ack(emscripten::EM_VAL fn, double ack_id, emscripten::EM_VAL error, const char* json,
                             std::size_t json_size, emscripten::EM_VAL buffers);
void twinsock_js_deliver_ws_message(emscripten::EM_VAL fn, bool binary, const char* data, std::size_t size);
void twinsock_js_deliver_sse_message(emscripten::EM_VAL fn, emscripten::EM_VAL type, const char* data,
                                     std::size_t data_size, emscripten::EM_VAL last_event_id);
}

namespace twinsock::bindings {

void deliver_event(const emscripten::val& fn, std::string_view name, std::string_view json,
                   const emscripten::val& buffers, double reply_id) {
  twinsock_js_deliver_event(fn.as_handle(), name.data(), name.size(), json.data(), json.size(), buffers.as_handle(),
                            reply_id);
}

void deliver_ack(const emscripten::val& fn, double ack_id, const emscripten::val& error, std::string_view json,
                 const emscripten::val& buffers) {
  twinsock_js_deliver_ack(fn.as_handle(), ack_id, error.as_handle(), json.data(), json.size(), buffers.as_handle());
}

void deliver_ws_message(const emscripten::val& fn, bool binary, std::string_view data) {
  twinsock_js_deliver_ws_message(fn.as_handle(), binary, data.data(), data.size());
}

void deliver_sse_message(const emscripten::val& fn, const emscripten::val& type, std::string_view data,
                         const emscripten::val& last_event_id) {
  twinsock_js_deliver_sse_message(fn.as_handle(), type.as_handle(), data.data(), data.size(), last_event_id.as_handle());
}

}  // namespace twinsock::bindings
