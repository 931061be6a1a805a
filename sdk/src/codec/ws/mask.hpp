// Client-to-server masking (RFC 6455 §5.3): octet i of the payload is XORed with
// octet i mod 4 of the masking key.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace twinsock::ws {

using MaskKey = std::array<std::uint8_t, 4>;

/// Writes src[i] ^ key[(offset + i) % 4] to dst[i] for i < size. dst may equal src
/// (in-place); otherwise the ranges must not overlap. Works a word at a time.
void mask_copy(std::uint8_t* dst, const std::uint8_t* src, std::size_t size, const MaskKey& key,
               std::size_t offset = 0) noexcept;

}  // namespace twinsock::ws
