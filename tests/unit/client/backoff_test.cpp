// Backoff's delays: min_delay * grow_factor^(n-1), capped, then the backo2 jitter.
#include "proto/backoff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace twinsock {
namespace {

ReconnectPolicy exact_policy(double grow, Duration max_delay) {
  ReconnectPolicy p;
  p.min_delay = Duration(1000);
  p.max_delay = max_delay;
  p.grow_factor = grow;
  p.jitter = 0;
  return p;
}

TEST(Backoff, DoublesExactlyUpToTheCap) {
  Backoff b(exact_policy(2, Duration(10'000)));
  for (const long expected : {1000, 2000, 4000, 8000, 10'000, 10'000}) EXPECT_EQ(b.next_delay()->count(), expected);
}

TEST(Backoff, FractionalFactorsFollowThePowerFormula) {
  Backoff b(exact_policy(1.3, Duration(1'000'000'000)));
  for (int n = 0; n < 60; ++n) {
    const double expected = std::min(1000 * std::pow(1.3, n), 1e9);
    EXPECT_NEAR(static_cast<double>(b.next_delay()->count()), expected, 1 + expected * 1e-12) << "attempt " << n + 1;
  }
}

TEST(Backoff, HugeAttemptCountsStayAtTheCap) {
  Backoff b(exact_policy(1.5, Duration(30'000)));
  for (int i = 0; i < 5000; ++i) b.next_delay();
  EXPECT_EQ(b.next_delay()->count(), 30'000);
  Backoff flat(exact_policy(1, Duration(30'000)));
  for (int i = 0; i < 5000; ++i) flat.next_delay();
  EXPECT_EQ(flat.next_delay()->count(), 1000);
}

TEST(Backoff, JitterUsesOneDrawForSizeAndSign) {
  ReconnectPolicy p = exact_policy(2, Duration(10'000));
  p.jitter = 0.5;
  double draw = 0.25;  // floor(2.5) = 2, even: minus 0.25 * 0.5 * 1000 = 125
  Backoff b(p, [&draw] { return draw; });
  EXPECT_EQ(b.next_delay()->count(), 875);
  draw = 0.35;  // floor(3.5) = 3, odd: plus floor(0.35 * 0.5 * 2000) = 350
  EXPECT_EQ(b.next_delay()->count(), 2350);
}

}  // namespace
}  // namespace twinsock
