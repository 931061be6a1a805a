// SHA-1 (FIPS 180-4), only for the WebSocket accept key (RFC 6455 §4.2.2):
// never use it for anything that needs collision resistance.
#pragma once

#include <array>
#include <cstdint>

#include "twinsock/bytes.hpp"

namespace twinsock::sha1 {

std::array<std::uint8_t, 20> digest(bytes_view data);

}  // namespace twinsock::sha1
