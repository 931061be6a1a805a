// Crossing the JavaScript boundary: Socket.IO arguments, bytes and errors.
//
// Arguments travel as JSON text plus a list of Uint8Arrays: each binary value
// is replaced by a placeholder indexing the list — {"__twinsock_binary__": n}
// from JavaScript, socket.io's {"_placeholder":true,"num":n} to it. JSON text is
// the cheapest way through embind; the facade (bindings/js/args.js) does the
// JavaScript half.
#pragma once

#include <emscripten/val.h>

#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

namespace twinsock::bindings {

/// Arguments on their way to JavaScript: the facade's decodeArgs(json, buffers)
/// turns them back into values.
struct JsArgs {
  std::string json;
  emscripten::val buffers;  ///< an array of Uint8Arrays, or undefined when none
};
JsArgs args_for_js(const nlohmann::json& args);
/// The same as one {json, buffers} object (for values inside other values).
emscripten::val args_to_js(const nlohmann::json& args);

/// Parses JSON text (options, auth): a discarded value when it is not valid JSON.
nlohmann::json json_from_js(const std::string& text);

/// Parses JSON text and puts the buffers back in place of their placeholders.
/// Returns a discarded value (is_discarded()) when the text is not valid JSON.
nlohmann::json args_from_js(const std::string& json, const emscripten::val& buffers);

/// A copy of `size` bytes as a new Uint8Array.
emscripten::val bytes_to_js(const void* data, std::size_t size);
/// A copy of a Uint8Array's bytes.
std::string bytes_from_js(const emscripten::val& array);

/// {code: "TWINSOCK_ERR_...", message, detail, closeCode}: the facade makes an Error of it.
emscripten::val error_to_js(std::error_code error, const std::string& detail = {});

/// The stable id of an error, or "" for none: what methods return to JavaScript.
std::string error_result(std::error_code error);

}  // namespace twinsock::bindings
