// Random bytes for WebSocket masks and handshake keys. The source is injected
// so tests are deterministic; production uses a CSPRNG.
#pragma once

#include <cstdint>
#include <span>

namespace twinsock {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

/// This thread's CSPRNG: a ChaCha20 keystream keyed from std::random_device
/// (getrandom() or RDRAND natively, crypto.getRandomValues() under Emscripten).
RandomSource& system_random();

}  // namespace twinsock
