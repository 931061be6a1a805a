#include "js_calls.hpp"

#include <cstdlib>

extern "C" {
void twinsock_js_signal(int fn, const char* type);
void twinsock_js_text(int fn, const char* type, const char* text, std::size_t size);
void twinsock_js_numbers(int fn, const char* type, double a, double b);
void twinsock_js_object(int fn, const char* type, const char* json, std::size_t size, double number);
void twinsock_js_args(int fn, const char* type, double number, const char* name, std::size_t name_size,
                      const char* error_json, std::size_t error_size, const char* json, std::size_t json_size,
                      const std::uint32_t* buffers, std::size_t buffer_count);
void twinsock_js_ws_message(int fn, int binary, const char* data, std::size_t size);
void twinsock_js_sse_message(int fn, const char* type, std::size_t type_size, const char* data, std::size_t data_size,
                             const char* id, int id_size);
char* twinsock_js_ask(int fn, const char* type);
}

namespace twinsock::bindings {
namespace {

// (pointer, size) pairs of the buffers, as the JavaScript side reads them (wasm32: 32-bit pointers).
std::vector<std::uint32_t> buffer_table(const std::vector<bytes>& buffers) {
  std::vector<std::uint32_t> table;
  table.reserve(buffers.size() * 2);
  for (const bytes& b : buffers) {
    table.push_back(static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(b.data())));
    table.push_back(static_cast<std::uint32_t>(b.size()));
  }
  return table;
}

void call_args(Handle fn, const char* type, double number, std::string_view name, std::string_view error_json,
               std::string_view json, const std::vector<bytes>& buffers) {
  const std::vector<std::uint32_t> table = buffer_table(buffers);
  twinsock_js_args(fn, type, number, name.data(), name.size(), error_json.data(), error_json.size(), json.data(),
                   json.size(), table.data(), buffers.size());
}

}  // namespace

void call_js(Handle fn, const char* type) { twinsock_js_signal(fn, type); }

void call_js(Handle fn, const char* type, std::string_view text) {
  twinsock_js_text(fn, type, text.data(), text.size());
}

void call_js(Handle fn, const char* type, double a, double b) { twinsock_js_numbers(fn, type, a, b); }

void call_js_with_object(Handle fn, const char* type, std::string_view json, double number) {
  twinsock_js_object(fn, type, json.data(), json.size(), number);
}

void deliver_event(Handle fn, std::string_view name, std::string_view json, const std::vector<bytes>& buffers,
                   double reply_id) {
  call_args(fn, "event", reply_id, name, {}, json, buffers);
}

void deliver_ack(Handle fn, double ack_id, std::string_view error_json, std::string_view json,
                 const std::vector<bytes>& buffers) {
  call_args(fn, "ack", ack_id, {}, error_json, json, buffers);
}

void deliver_send_buffer(Handle fn, std::string_view seqs_json, std::string_view json, const std::vector<bytes>& buffers) {
  call_args(fn, "send_buffer", 0, {}, seqs_json, json, buffers);
}

void deliver_connect_error(Handle fn, std::string_view error_json, std::string_view json,
                           const std::vector<bytes>& buffers) {
  call_args(fn, "connect_error", 0, {}, error_json, json, buffers);
}

void deliver_ws_message(Handle fn, bool binary, std::string_view data) {
  twinsock_js_ws_message(fn, binary ? 1 : 0, data.data(), data.size());
}

void deliver_sse_message(Handle fn, const std::string* type, std::string_view data, const std::string* last_event_id) {
  twinsock_js_sse_message(fn, type ? type->data() : nullptr, type ? type->size() : 0, data.data(), data.size(),
                          last_event_id ? last_event_id->data() : nullptr,
                          last_event_id ? static_cast<int>(last_event_id->size()) : -1);
}

std::string ask_js(Handle fn, const char* type) {
  char* text = twinsock_js_ask(fn, type);
  if (!text) return {};
  std::string out(text);
  std::free(text);
  return out;
}

}  // namespace twinsock::bindings
