#include "js_value.hpp"

#include "codec/json/parser.hpp"
#include "codec/json/writer.hpp"
#include "twinsock/error.hpp"

namespace twinsock::bindings {
namespace {

constexpr const char* kPlaceholder = "__twinsock_binary__";
constexpr std::size_t kMaxDepth = 128;

bool restore_binary(nlohmann::json& value, const std::vector<std::string_view>& buffers, std::size_t depth) {
  if (depth > kMaxDepth) return false;
  if (value.is_object()) {
    if (value.size() == 1 && value.contains(kPlaceholder) && value[kPlaceholder].is_number_unsigned()) {
      const auto index = value[kPlaceholder].get<std::size_t>();
      if (index >= buffers.size()) return false;
      const std::string_view b = buffers[index];
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
  JsArgs out;
  write_json(args, out.json, &out.buffers);
  return out;
}

nlohmann::json json_from_js(std::string_view text) {
  nlohmann::json value;
  if (parse_json(text, value, kMaxDepth) != JsonParseError::none) return nlohmann::json(nlohmann::json::value_t::discarded);
  return value;
}

nlohmann::json args_from_js(std::string_view json, const std::vector<std::string_view>& buffers) {
  nlohmann::json value = json_from_js(json);
  if (value.is_discarded() || buffers.empty()) return value;
  if (!restore_binary(value, buffers, 0)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return value;
}

std::string error_to_js(std::error_code error, std::string_view detail, const std::string* message) {
  if (!error) return {};
  nlohmann::json info = nlohmann::json::object();
  info["code"] = std::string(error_id(error));
  info["message"] = message ? *message : error.message();
  info["detail"] = std::string(detail);
  if (const auto close_code = close_code_for(error)) info["closeCode"] = close_code;
  std::string text;
  write_json(info, text);
  return text;
}

}  // namespace twinsock::bindings
