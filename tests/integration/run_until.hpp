// Runs a PollLoop until a condition holds, bounded so a broken test fails
// instead of hanging. The bound is generous: it is never a timing assertion.
#pragma once

#include <chrono>

#include "twinsock/native/poll_loop.hpp"

namespace twinsock::testing {

template <typename Pred>
bool run_until(native::PollLoop& loop, Pred done, std::chrono::milliseconds bound = std::chrono::seconds(15)) {
  const auto give_up = std::chrono::steady_clock::now() + bound;
  while (!done() && std::chrono::steady_clock::now() < give_up) loop.run_once(std::chrono::milliseconds(20));
  return done();
}

}  // namespace twinsock::testing
