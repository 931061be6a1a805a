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

/// The process-wide CSPRNG: std::random_device, which is getrandom()/urandom
/// with libstdc++ natively and crypto.getRandomValues() under Emscripten.
/// Loop affinity: not thread-safe; use from one thread (the loop thread).
RandomSource& system_random();

}  // namespace twinsock
