#include "codec/sio/binary.hpp"

#include <cmath>
#include <cstdint>

#include "twinsock/error.hpp"

namespace twinsock::sio {
namespace {

using nlohmann::json;

// The attachment index of a placeholder, or -1 when "num" is not an integer in range.
long placeholder_index(const json& placeholder, std::size_t attachments) noexcept {
  const auto& obj = *placeholder.get_ptr<const json::object_t*>();
  const auto it = obj.find("num");
  if (it == obj.end()) return -1;
  const json& num = it->second;
  if (num.is_number_unsigned()) {
    const auto n = num.get<std::uint64_t>();
    return n < attachments ? static_cast<long>(n) : -1;
  }
  if (num.is_number_integer()) return -1;  // negative
  if (num.is_number_float()) {
    const double d = num.get<double>();
    if (!(d >= 0) || d != std::floor(d) || d >= static_cast<double>(attachments)) return -1;
    return static_cast<long>(d);
  }
  return -1;
}

struct Rebuilder {
  const std::vector<bytes>& attachments;
  std::size_t budget;

  bool run(json& v) {
    if (is_placeholder(v)) {
      const auto& bin = attachments[static_cast<std::size_t>(placeholder_index(v, attachments.size()))];
      if (bin.size() > budget) return false;
      budget -= bin.size();
      v = json::binary(bin);
      return true;
    }
    if (v.is_array()) {
      for (json& item : *v.get_ptr<json::array_t*>())
        if (!run(item)) return false;
    } else if (v.is_object()) {
      for (auto& [key, item] : *v.get_ptr<json::object_t*>())
        if (!run(item)) return false;
    }
    return true;
  }
};

}  // namespace

bool has_binary(const json& value) noexcept {
  switch (value.type()) {
    case json::value_t::binary:
      return true;
    case json::value_t::array:
      for (const json& item : *value.get_ptr<const json::array_t*>())
        if (has_binary(item)) return true;
      return false;
    case json::value_t::object:
      for (const auto& [key, item] : *value.get_ptr<const json::object_t*>())
        if (has_binary(item)) return true;
      return false;
    default:
      return false;
  }
}

std::size_t count_binary(const json& value) noexcept {
  switch (value.type()) {
    case json::value_t::binary:
      return 1;
    case json::value_t::array: {
      std::size_t n = 0;
      for (const json& item : *value.get_ptr<const json::array_t*>()) n += count_binary(item);
      return n;
    }
    case json::value_t::object: {
      std::size_t n = 0;
      for (const auto& [key, item] : *value.get_ptr<const json::object_t*>()) n += count_binary(item);
      return n;
    }
    default:
      return 0;
  }
}

bool is_placeholder(const json& value) noexcept {
  if (!value.is_object()) return false;
  const auto& obj = *value.get_ptr<const json::object_t*>();
  const auto it = obj.find("_placeholder");
  return it != obj.end() && it->second.is_boolean() && it->second.get<bool>();
}

std::error_code check_placeholders(const json& value, std::size_t attachments) noexcept {
  if (is_placeholder(value)) {
    return placeholder_index(value, attachments) < 0 ? make_error_code(errc::sio_bad_placeholder) : std::error_code{};
  }
  if (value.is_array()) {
    for (const json& item : *value.get_ptr<const json::array_t*>())
      if (auto ec = check_placeholders(item, attachments)) return ec;
  } else if (value.is_object()) {
    for (const auto& [key, item] : *value.get_ptr<const json::object_t*>())
      if (auto ec = check_placeholders(item, attachments)) return ec;
  }
  return {};
}

std::error_code reconstruct(json& value, const std::vector<bytes>& attachments, std::size_t max_bytes) {
  Rebuilder rebuilder{attachments, max_bytes};
  if (!rebuilder.run(value)) return make_error_code(errc::sio_packet_too_large);
  return {};
}

}  // namespace twinsock::sio
