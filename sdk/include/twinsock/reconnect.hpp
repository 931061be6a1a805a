// The reconnection policy shared by the WebSocket, SSE and Socket.IO clients:
// exponential backoff with jitter, a retry limit, and a minimum uptime before a
// connection counts as stable (so a server that accepts and drops at once does
// not reset the backoff).
#pragma once

#include <cstdint>
#include <limits>

#include "twinsock/loop.hpp"

namespace twinsock {

struct ReconnectPolicy {
  bool enabled = true;
  Duration min_delay = Duration(1000);
  Duration max_delay = Duration(10'000);
  double grow_factor = 1.3;
  /// Randomisation of each delay: delay * (1 +/- jitter * uniform[0,1)), 0 disables.
  double jitter = 0.5;
  /// Attempts after a loss before giving up (unlimited by default), then an error
  /// TWINSOCK_ERR_RECONNECT_FAILED. 0 stops as `enabled = false` does, without that error.
  std::uint32_t max_retries = std::numeric_limits<std::uint32_t>::max();
  /// A connection that stayed open this long resets the backoff.
  Duration min_uptime = Duration(5000);

  /// Whether a lost connection is tried again at all.
  bool allows_retries() const { return enabled && max_retries > 0; }
};

}  // namespace twinsock
