// A Loop with a manual clock for state-machine and client tests (sinon's fake
// timers): nothing happens until advance() or run_posted() is called.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "twinsock/loop.hpp"

namespace twinsock::testing {

class FakeLoop final : public Loop {
 public:
  TimePoint now() const override { return now_; }

  TimerId set_timer(Duration delay, Callback<void()> fn) override {
    const TimerId id = next_id_++;
    timers_.emplace(std::make_pair(now_ + (delay.count() > 0 ? delay : Duration::zero()), id), std::move(fn));
    return id;
  }

  void cancel_timer(TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }

  void post(Callback<void()> fn) override { posted_.push_back(std::move(fn)); }

  /// The platform's "network lost" (a browser's "offline"): lose_network() reports it.
  Subscription on_network_lost(Callback<void()> fn) override { return network_lost_.on(std::move(fn)); }
  void lose_network() { network_lost_.emit(); }

  /// Runs posted work until none is left (work posted by work included).
  void run_posted() {
    for (int guard = 0; guard < 100000 && !posted_.empty(); ++guard) {
      auto batch = std::move(posted_);
      posted_.clear();
      for (auto& fn : batch) fn();
    }
  }

  /// Moves the clock forward, firing due timers (and posted work) in order.
  void advance(Duration d) {
    const TimePoint end = now_ + d;
    run_posted();
    while (!timers_.empty() && timers_.begin()->first.first <= end) {
      auto it = timers_.begin();
      now_ = std::max(now_, it->first.first);  // overdue after a jump(): the clock never goes back
      auto fn = std::move(it->second);
      timers_.erase(it);
      fn();
      run_posted();
    }
    now_ = end;
    run_posted();
  }

  /// Jumps the clock without firing anything (a suspended machine waking up).
  void jump(Duration d) { now_ += d; }

  std::size_t timer_count() const { return timers_.size(); }
  std::size_t posted_count() const { return posted_.size(); }

 private:
  Event<> network_lost_;
  TimePoint now_ = TimePoint(std::chrono::hours(1));
  std::map<std::pair<TimePoint, TimerId>, Callback<void()>> timers_;
  std::vector<Callback<void()>> posted_;
  TimerId next_id_ = 1;
};

}  // namespace twinsock::testing
