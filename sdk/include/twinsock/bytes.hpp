// Byte buffers used across the public API and the codecs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace twinsock {

using bytes = std::vector<std::uint8_t>;
using bytes_view = std::span<const std::uint8_t>;

inline bytes_view as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string_view as_text(bytes_view b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace twinsock
