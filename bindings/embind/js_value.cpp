#include "js_value.hpp"

#include <cstdint>
#include <vector>

#include "codec/json/parser.hpp"
#include "codec/json/writer.hpp"
#include "twinsock/error.hpp"

namespace twinsock::bindings {
namespace {

using emscripten::val;
constexpr const char* kPlaceholder = "__twinsock_binary__";
constexpr std::size_t kMaxDepth = 128;

bool restore_binary(nlohmann::json& value, const std::vector<std::string>& buffers, std::size_t depth) {
  if (depth > kMaxDepth) return false;
  if (value.is_object()) {
    if (value.size() == 1 && value.contains(kPlaceholder) && value[kPlaceholder].is_number_unsigned()) {
      const auto index = value[kPlaceholder].get<std::size_t>();
      if (index >= buffers.size()) return false;
      const std::string& b = buffers[index];
      value = nlohmann::json::binary(nlohmann::json::binary_t::container_type(b.begin(), b.end()));
      return true;
    }
    for (auto& item : value)
      if (!restore_binary(item, buffers, depth + 1)) return false;
  } else if (value.is_array()) {
    for (auto& item : value)
      if (!restore_binary(item, buffers, depth + 1)) return false;
  }
  return true;
}

}  // namespace

JsArgs args_for_js(const nlohmann::json& args) {
  JsArgs out{std::string(), val::undefined()};
  std::vector<bytes> attachments;
  write_json(args, out.json, &attachments);
  if (attachments.empty()) return out;
  out.buffers = val::array();
  for (const bytes& b : attachments) out.buffers.call<void>("push", bytes_to_js(b.data(), b.size()));
  return out;
}

val args_to_js(const nlohmann::json& args) {
  JsArgs parts = args_for_js(args);
  val out = val::object();
  out.set("json", parts.json);
  out.set("buffers", parts.buffers);
  return out;
}

nlohmann::json json_from_js(const std::string& text) {
  nlohmann::json value;
  if (parse_json(text, value, kMaxDepth) != JsonParseError::none) return nlohmann::json(nlohmann::json::value_t::discarded);
  return value;
}

nlohmann::json args_from_js(const std::string& json, const val& buffers) {
  nlohmann::json value = json_from_js(json);
  if (value.is_discarded()) return value;
  const unsigned count = buffers.isUndefined() || buffers.isNull() ? 0 : buffers["length"].as<unsigned>();
  if (count == 0) return value;
  std::vector<std::string> bytes;
  bytes.reserve(count);
  for (unsigned i = 0; i < count; ++i) bytes.push_back(bytes_from_js(buffers[i]));
  if (!restore_binary(value, bytes, 0)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return value;
}

val bytes_to_js(const void* data, std::size_t size) {
  // A view of the wasm heap, copied at once (the heap may move on the next allocation).
  val view(emscripten::typed_memory_view(size, static_cast<const std::uint8_t*>(data)));
  return val::global("Uint8Array").new_(view);
}

std::string bytes_from_js(const val& array) {
  const auto size = array["length"].as<std::size_t>();
  std::string out(size, '\0');
  if (size == 0) return out;
  val view(emscripten::typed_memory_view(size, reinterpret_cast<std::uint8_t*>(out.data())));
  view.call<void>("set", array);
  return out;
}

val error_to_js(std::error_code error, const std::string& detail) {
  if (!error) return val::null();
  val out = val::object();
  out.set("code", std::string(error_id(error)));
  out.set("message", error.message());
  out.set("detail", detail);
  if (const auto close_code = close_code_for(error)) out.set("closeCode", close_code);
  return out;
}

std::string error_result(std::error_code error) { return error ? std::string(error_id(error)) : std::string(); }

}  // namespace twinsock::bindings
