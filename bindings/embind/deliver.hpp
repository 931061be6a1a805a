// Per-message calls into JavaScript that bypass embind's generic val call
// (bindings/embind/deliver.js): a callback's handle, strings as bytes.
#pragma once

#include <emscripten/val.h>

#include <string_view>

namespace twinsock::bindings {

/// fn("event", name, json, buffers, replyId)
void deliver_event(const emscripten::val& fn, std::string_view name, std::string_view json,
                   const emscripten::val& buffers, double reply_id);
/// fn("ack", ackId, error, json, buffers)
void deliver_ack(const emscripten::val& fn, double ack_id, const emscripten::val& error, std::string_view json,
                 const emscripten::val& buffers);
/// fn("message", text) or fn("message", Uint8Array copy of `data`)
void deliver_ws_message(const emscripten::val& fn, bool binary, std::string_view data);
/// fn("message", type, data, lastEventId)
void deliver_sse_message(const emscripten::val& fn, const emscripten::val& type, std::string_view data,
                         const emscripten::val& last_event_id);

}  // namespace twinsock::bindings
