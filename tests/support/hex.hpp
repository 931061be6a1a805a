// Hex helpers for vectors and tests: "81 05 48 65" <-> bytes (spaces ignored).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "twinsock/bytes.hpp"

namespace twinsock::testing {

std::optional<bytes> from_hex(std::string_view hex);
std::string to_hex(bytes_view data);

}  // namespace twinsock::testing
