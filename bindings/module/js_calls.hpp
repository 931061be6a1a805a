// The module's calls into JavaScript (bindings/module/js_calls.js). Each client
// object reports its events to one dispatcher, named by an integer handle that
// the facade registered; a handle the facade has dropped is ignored there, so a
// late callback (an ack timing out after its socket was freed) reaches nothing.
// Strings cross as (pointer, size) and are decoded on the JavaScript side.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "twinsock/bytes.hpp"

namespace twinsock::bindings {

/// A dispatcher registered by the facade (bindings/js/native.js).
using Handle = int;

/// fn(type)
void call_js(Handle fn, const char* type);
/// fn(type, text)
void call_js(Handle fn, const char* type, std::string_view text);
/// fn(type, a, b)
void call_js(Handle fn, const char* type, double a, double b);
/// fn(type, JSON.parse(json), number): errors and close events, as JSON objects.
void call_js_with_object(Handle fn, const char* type, std::string_view json, double number = 0);

/// fn("event", name, json, buffers | undefined, replyId)
void deliver_event(Handle fn, std::string_view name, std::string_view json, const std::vector<bytes>& buffers,
                   double reply_id);
/// fn("ack", ackId, error | null, json, buffers | undefined); error_json "" for none.
void deliver_ack(Handle fn, double ack_id, std::string_view error_json, std::string_view json,
                 const std::vector<bytes>& buffers);
/// fn("connect_error", error) with error.data = {json, buffers}
void deliver_connect_error(Handle fn, std::string_view error_json, std::string_view json,
                           const std::vector<bytes>& buffers);
/// fn("send_buffer", JSON.parse(seqs_json), json, buffers | undefined): the emits waiting
/// in a socket's send buffer, `json` a list of [event, arg...] and `seqs_json` their numbers.
void deliver_send_buffer(Handle fn, std::string_view seqs_json, std::string_view json, const std::vector<bytes>& buffers);
/// fn("message", text) or fn("message", Uint8Array copy of `data`)
void deliver_ws_message(Handle fn, bool binary, std::string_view data);
/// fn("message", type, data, lastEventId); a null type is "message", and a null
/// last_event_id means "the same as in the previous message".
void deliver_sse_message(Handle fn, const std::string* type, std::string_view data, const std::string* last_event_id);

/// fn(type) ("auth", "options"): the JSON text it returned, or "" when it returned no string.
std::string ask_js(Handle fn, const char* type);

}  // namespace twinsock::bindings
