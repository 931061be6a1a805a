// One simulated schedule's world: the fake clock and loop, the seeded PRNG that
// chooses every step, the trace of the steps taken (printed on a failure), the
// invariants and a few coverage counters. A Menu holds the actions possible at
// one step; the PRNG picks one by weight.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "invariants.hpp"
#include "support/fake_loop.hpp"

namespace twinsock::sim {

class World {
 public:
  explicit World(std::uint64_t seed) : rng_(seed), guard(inv) {}

  // ---- randomness (std::mt19937_64 only: a seed replays the same schedule)
  bool chance(double p) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p; }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo + 1))); }
  Duration millis(int lo, int hi) { return Duration(between(lo, hi)); }

  // ---- the trace
  /// A step of the schedule (numbered in the failure report).
  void step(std::string what) {
    ++steps_;
    trace_.push_back(std::to_string(steps_) + ". " + what);
  }
  /// Something the client did during the current step.
  void note(std::string what) { trace_.push_back("     " + what); }
  std::uint64_t steps() const { return steps_; }
  const std::vector<std::string>& trace() const { return trace_; }

  /// Coverage: how often the schedules reached an interesting state.
  void count(const char* what) { ++coverage_[what]; }
  const std::map<std::string, std::uint64_t>& coverage() const { return coverage_; }

  // ---- time
  void advance(Duration d, const char* why = "clock: advance ") {
    step(why + std::to_string(d.count()) + " ms");
    loop.advance(d);
  }
  /// As advance(), folded into the previous line when that was one too (long quiet waits).
  void wait(Duration d) {
    ++steps_;
    if (!trace_.empty() && waited_at_ == trace_.size()) {
      waited_ += d;
      trace_.back() = "... clock: waits " + std::to_string(waited_.count()) + " ms (quiet)";
    } else {
      waited_ = d;
      trace_.push_back("... clock: waits " + std::to_string(d.count()) + " ms (quiet)");
      waited_at_ = trace_.size();
    }
    loop.advance(d);
    if (waited_at_ != trace_.size()) waited_at_ = 0;  // the wait woke the client: start a new line next time
  }
  /// The machine slept: the clock moves, no timer fires until the next advance.
  void jump(Duration d) {
    step("clock: jump " + std::to_string(d.count()) + " ms (no timer fires)");
    loop.jump(d);
    count("clock jumps");
  }

  testing::FakeLoop loop;

 private:
  std::mt19937_64 rng_;
  std::uint64_t steps_ = 0;
  std::vector<std::string> trace_;
  std::size_t waited_at_ = 0;  // trace_.size() right after the last wait() line
  Duration waited_{};
  std::map<std::string, std::uint64_t> coverage_;

 public:
  Invariants inv;
  Guard guard;
};

/// The actions possible at one step, by weight.
class Menu {
 public:
  Menu() { items_.reserve(64); }
  void add(int weight, std::function<void()> action) {
    if (weight <= 0) return;
    items_.push_back({weight, std::move(action)});
    total_ += weight;
  }
  bool empty() const { return items_.empty(); }
  /// Runs one action picked by weight; false when there is none.
  bool run(World& world) {
    if (items_.empty()) return false;
    std::uint64_t r = world.below(static_cast<std::uint64_t>(total_));
    for (auto& item : items_) {
      if (r < static_cast<std::uint64_t>(item.weight)) {
        auto action = std::move(item.action);
        clear();
        action();
        return true;
      }
      r -= static_cast<std::uint64_t>(item.weight);
    }
    return false;
  }
  void clear() {
    items_.clear();
    total_ = 0;
  }

 private:
  struct Item {
    int weight;
    std::function<void()> action;
  };
  std::vector<Item> items_;
  int total_ = 0;
};

/// The clock's part of a schedule: mostly short waits, some long ones (timeouts),
/// now and then a jump. `after` runs once the clock moved (the server's own timers).
inline void offer_clock(World& world, Menu& menu, int weight, std::function<void()> after) {
  menu.add(weight * 4, [&world, after] {
    world.advance(world.millis(1, 250));
    after();
  });
  menu.add(weight * 2, [&world, after] {
    world.advance(world.millis(250, 3000));
    after();
  });
  menu.add(weight, [&world, after] {
    world.advance(world.millis(3000, 30'000));
    after();
  });
  menu.add(std::max(1, weight / 3), [&world, after] {
    world.jump(world.millis(1000, 120'000));
    after();
  });
}

}  // namespace twinsock::sim
