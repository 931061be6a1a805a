// Backoff: the delays of a ReconnectPolicy, as a pure state machine.
//
// attempt n (1-based) waits min(max_delay, min_delay * grow_factor^(n-1)),
// then spread by +/- jitter (socket.io-client's backo2 formula); the random
// source is injected so tests are exact. succeeded() after min_uptime resets.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "twinsock/reconnect.hpp"

namespace twinsock {

class Backoff {
 public:
  /// `uniform` returns values in [0, 1); defaults to a CSPRNG-seeded generator.
  explicit Backoff(ReconnectPolicy policy, std::function<double()> uniform = {});

  /// The delay before the next attempt, or nullopt once max_retries is spent
  /// (or reconnection is disabled). Each call counts one attempt.
  std::optional<Duration> next_delay();
  /// Attempts made since the last reset.
  std::uint32_t attempts() const { return attempts_; }
  /// The connection was up for `uptime`: reset if it was stable.
  void on_connection_lost(Duration uptime);
  void reset() { attempts_ = 0; }
  /// Changes the first delay (SSE's `retry:` field sets the reconnection time).
  void set_min_delay(Duration delay) { policy_.min_delay = delay; }
  /// Changes the whole policy; the attempts made so far still count.
  void set_policy(const ReconnectPolicy& policy) { policy_ = policy; }

  const ReconnectPolicy& policy() const { return policy_; }

 private:
  ReconnectPolicy policy_;
  std::function<double()> uniform_;
  std::uint32_t attempts_ = 0;
};

}  // namespace twinsock
