#include "util/chacha20.hpp"

namespace twinsock::chacha20 {
namespace {

constexpr std::uint32_t rotl(std::uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

void quarter_round(std::array<std::uint32_t, 16>& x, int a, int b, int c, int d) {
  x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
  x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
  x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
  x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}

}  // namespace

Block block(const Key& key, std::uint32_t counter, const Nonce& nonce) {
  // "expand 32-byte k", the key, the block counter, the nonce.
  const std::array<std::uint32_t, 16> input = {
      0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0], key[1],   key[2],   key[3],
      key[4],     key[5],     key[6],     key[7],     counter, nonce[0], nonce[1], nonce[2]};
  std::array<std::uint32_t, 16> x = input;
  for (int round = 0; round < 10; ++round) {  // 20 rounds: a column round and a diagonal round each
    quarter_round(x, 0, 4, 8, 12);
    quarter_round(x, 1, 5, 9, 13);
    quarter_round(x, 2, 6, 10, 14);
    quarter_round(x, 3, 7, 11, 15);
    quarter_round(x, 0, 5, 10, 15);
    quarter_round(x, 1, 6, 11, 12);
    quarter_round(x, 2, 7, 8, 13);
    quarter_round(x, 3, 4, 9, 14);
  }
  Block out;
  for (int i = 0; i < 16; ++i) {
    const std::uint32_t word = x[i] + input[i];
    for (int k = 0; k < 4; ++k) out[4 * i + k] = static_cast<std::uint8_t>(word >> (8 * k));
  }
  return out;
}

}  // namespace twinsock::chacha20
