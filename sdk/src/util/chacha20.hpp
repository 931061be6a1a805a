// The ChaCha20 block function (RFC 8439 §2.3): the keystream behind
// system_random(), so a WebSocket frame's mask costs a few nanoseconds
// instead of a hardware or kernel random call.
#pragma once

#include <array>
#include <cstdint>

namespace twinsock::chacha20 {

using Key = std::array<std::uint32_t, 8>;
using Nonce = std::array<std::uint32_t, 3>;
using Block = std::array<std::uint8_t, 64>;

/// One 64-byte keystream block (RFC 8439 §2.3.2): key and nonce as
/// little-endian words, as the RFC's state matrix holds them.
Block block(const Key& key, std::uint32_t counter, const Nonce& nonce);

}  // namespace twinsock::chacha20
