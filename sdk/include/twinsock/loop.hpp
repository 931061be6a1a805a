// The event loop seam every client is built on.
//
// A Loop runs all callbacks on one thread. Natively it is twinsock::native::PollLoop,
// driven by the host (`run()` or `run_once()` once per game frame); in the browser
// it is the browser's own event loop. Clients never block and never call user
// code re-entrantly: anything a user call triggers is delivered later via post().
// A Loop must outlive every client and Timer made on it: declare it first.
#pragma once

#include <chrono>
#include <cstdint>
#include "twinsock/callback.hpp"

#include "twinsock/event.hpp"

namespace twinsock {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::milliseconds;

/// Identifies a timer; 0 is never a valid id.
using TimerId = std::uint64_t;

class Loop {
 public:
  virtual ~Loop() = default;

  /// The loop's clock (monotonic). Loop affinity: loop thread.
  virtual TimePoint now() const = 0;

  /// Calls `fn` once, on the loop thread, no earlier than `delay` from now.
  /// Loop affinity: loop thread.
  virtual TimerId set_timer(Duration delay, Callback<void()> fn) = 0;

  /// Cancels a timer that has not fired yet; unknown or fired ids are ignored.
  /// Loop affinity: loop thread.
  virtual void cancel_timer(TimerId id) = 0;

  /// Queues `fn` to run on the loop thread after the current callback returns.
  /// The one thread-safe member: may be called from any thread.
  virtual void post(Callback<void()> fn) = 0;

  /// Calls `fn` on the loop thread whenever the platform learns that the device lost its
  /// network (a browser's "offline" event), while the Subscription lives. Socket.IO
  /// Managers use it to reconnect at once. Natively nothing tells: never called.
  /// Loop affinity: loop thread.
  virtual Subscription on_network_lost(Callback<void()> fn) {
    (void)fn;
    return {};
  }
};

/// Owns a timer and cancels it on destruction or re-arm: the usual way for a
/// client to keep "one timer, replaced on change" (curl's timer contract).
class Timer {
 public:
  explicit Timer(Loop& loop) : loop_(&loop) {}
  ~Timer() { cancel(); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void start(Duration delay, Callback<void()> fn) {
    cancel();
    id_ = loop_->set_timer(delay, [this, fn = std::move(fn)] {
      id_ = 0;
      fn();
    });
  }
  void cancel() {
    if (id_ != 0) loop_->cancel_timer(id_);
    id_ = 0;
  }
  bool armed() const { return id_ != 0; }

 private:
  Loop* loop_;
  TimerId id_ = 0;
};

}  // namespace twinsock
