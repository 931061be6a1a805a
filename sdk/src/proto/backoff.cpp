#include "proto/backoff.hpp"

#include <cmath>
#include <cstdint>

#include "util/random.hpp"

namespace twinsock {
namespace {

double system_uniform() {
  std::uint8_t raw[4];
  system_random().fill(raw);
  const std::uint32_t v = (std::uint32_t{raw[0]} << 24) | (std::uint32_t{raw[1]} << 16) |
                          (std::uint32_t{raw[2]} << 8) | raw[3];
  return v / 4294967296.0;
}

// base^n by squaring: exact for the usual whole factors, and without libm's pow
// (about 2 KB of the browser build).
double power(double base, std::uint64_t n) {
  double result = 1;
  for (; n != 0; n >>= 1, base *= base)
    if (n & 1) result *= base;
  return result;
}

}  // namespace

Backoff::Backoff(ReconnectPolicy policy, std::function<double()> uniform)
    : policy_(policy), uniform_(uniform ? std::move(uniform) : std::function<double()>(system_uniform)) {}

std::optional<Duration> Backoff::next_delay() {
  if (!policy_.enabled || attempts_ >= policy_.max_retries) return std::nullopt;
  ++attempts_;
  const double base = static_cast<double>(policy_.min_delay.count());
  const double cap = static_cast<double>(policy_.max_delay.count());
  const double grow = policy_.grow_factor < 1.0 ? 1.0 : policy_.grow_factor;
  // Cap the exponent's effect early: grow^n overflows to inf for large n anyway.
  double delay = base * power(grow, attempts_ - 1);
  if (!(delay < cap)) delay = cap;
  if (policy_.jitter > 0) {
    // backo2 (socket.io-client): one draw gives both the size and the sign.
    const double rand = uniform_();
    const double deviation = std::floor(rand * policy_.jitter * delay);
    delay = (static_cast<int>(std::floor(rand * 10)) & 1) == 0 ? delay - deviation : delay + deviation;
  }
  if (delay > cap) delay = cap;
  if (delay < 0) delay = 0;
  return Duration(static_cast<Duration::rep>(delay));
}

void Backoff::on_connection_lost(Duration uptime) {
  if (uptime >= policy_.min_uptime) attempts_ = 0;
}

}  // namespace twinsock
