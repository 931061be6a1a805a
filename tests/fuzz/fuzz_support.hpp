// Shared pieces of the fuzz targets: the input's first byte picks how the rest
// is cut into chunks, so every target also explores split points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "twinsock/bytes.hpp"

namespace twinsock::fuzz {

struct Input {
  std::uint8_t selector = 0;  // free bits for the target (options to vary)
  std::vector<bytes_view> chunks;
};

/// First byte: low 4 bits = chunk size mode (0 = whole, else 1..15 bytes,
/// cycling), high 4 bits = selector. The rest is the data.
inline Input make_chunked(const std::uint8_t* data, std::size_t size) {
  Input input;
  if (size == 0) return input;
  const std::size_t step = data[0] & 0x0f;
  input.selector = data[0] >> 4;
  bytes_view rest(data + 1, size - 1);
  if (step == 0) {
    input.chunks.push_back(rest);
    return input;
  }
  std::size_t i = 0, n = step;
  while (i < rest.size()) {
    const std::size_t len = n < rest.size() - i ? n : rest.size() - i;
    input.chunks.push_back(rest.subspan(i, len));
    i += len;
    n = n % 15 + 1;
  }
  return input;
}

}  // namespace twinsock::fuzz

// Checks a property; on failure, crash so libFuzzer records the input.
#define TWINSOCK_FUZZ_ASSERT(cond) \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)
