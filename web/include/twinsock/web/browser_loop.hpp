// twinsock::web::BrowserLoop: the Loop of the browser (and of Node running the
// WASM build). There is nothing to run: the JavaScript event loop is the loop.
// Timers are setTimeout; post() queues work for a microtask that runs as soon as
// the current JavaScript task (a socket event, a timer, a user call) returns.
//
// WASM has one thread here, so post() is thread-safe trivially.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "twinsock/loop.hpp"

namespace twinsock::web {

class BrowserLoop final : public Loop {
 public:
  BrowserLoop();
  ~BrowserLoop() override;
  BrowserLoop(const BrowserLoop&) = delete;
  BrowserLoop& operator=(const BrowserLoop&) = delete;

  TimePoint now() const override;
  TimerId set_timer(Duration delay, Callback<void()> fn) override;
  void cancel_timer(TimerId id) override;
  void post(Callback<void()> fn) override;
  /// The browser's "offline" events (none in Node).
  Subscription on_network_lost(Callback<void()> fn) override;

  // Entry points for the JavaScript side (web/js/twinsock_web.js).
  void fire_timer(TimerId id);
  void run_posted();
  void network_lost() { network_lost_.emit(); }

 private:
  struct PendingTimer {
    int js_handle;
    TimePoint deadline;
    Callback<void()> fn;
  };
  int arm(TimerId id, Duration delay);
  std::map<TimerId, PendingTimer> timers_;  // ordered: no hash table code in the wasm
  std::vector<Callback<void()>> posted_;  // swapped out whole by each flush
  bool flush_scheduled_ = false;
  bool watching_network_ = false;  // the "offline" listener is added on first use
  Event<> network_lost_;
  TimerId next_id_ = 1;
  std::uint32_t handle_;  // this loop's key in the registry the JS callbacks go through
};

}  // namespace twinsock::web
