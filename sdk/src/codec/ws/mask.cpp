#include "codec/ws/mask.hpp"

#include <cstring>

namespace twinsock::ws {

void mask_copy(std::uint8_t* dst, const std::uint8_t* src, std::size_t size, const MaskKey& key,
               std::size_t offset) noexcept {
  // Rotate the key so that rotated[0] applies to src[0].
  std::uint8_t rotated[8];
  for (std::size_t i = 0; i < 8; ++i) rotated[i] = key[(offset + i) % 4];
  // The key pattern repeats every 4 bytes, so 8 bytes of it XOR any 8 payload bytes
  // in memory order; memcpy keeps this free of alignment and endianness concerns.
  std::uint64_t word_key;
  std::memcpy(&word_key, rotated, 8);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, src + i, 8);
    word ^= word_key;
    std::memcpy(dst + i, &word, 8);
  }
  for (; i < size; ++i) dst[i] = static_cast<std::uint8_t>(src[i] ^ rotated[i % 8]);
}

}  // namespace twinsock::ws
