// Crossing the JavaScript boundary: Socket.IO arguments, bytes and errors.
//
// Arguments travel as JSON text plus a list of byte arrays: each binary value
// is replaced by a placeholder indexing the list — {"__twinsock_binary__": n}
// from JavaScript, socket.io's {"_placeholder":true,"num":n} to it. The facade
// (bindings/js/args.js) does the JavaScript half.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "twinsock/bytes.hpp"

namespace twinsock::bindings {

/// Arguments on their way to JavaScript: the facade's decodeArgs(json, buffers)
/// turns them back into values.
struct JsArgs {
  std::string json;
  std::vector<bytes> buffers;  ///< each becomes a Uint8Array copy
};
JsArgs args_for_js(const nlohmann::json& args);

/// Parses JSON text (options, auth): a discarded value when it is not valid JSON.
nlohmann::json json_from_js(std::string_view text);

/// Parses JSON text and puts the buffers back in place of their placeholders.
/// Returns a discarded value (is_discarded()) when the text is not valid JSON
/// or a placeholder names no buffer.
nlohmann::json args_from_js(std::string_view json, const std::vector<std::string_view>& buffers);

/// {"code": "TWINSOCK_ERR_...", "message", "detail", "closeCode"} as JSON text, ""
/// for no error: the facade makes an Error of it. `message` replaces the error's own.
std::string error_to_js(std::error_code error, std::string_view detail = {}, const std::string* message = nullptr);

}  // namespace twinsock::bindings
