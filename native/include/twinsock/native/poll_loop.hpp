// PollLoop: the native twinsock::Loop, on epoll with an eventfd for wake-ups.
//
// Theory of operation
// - One thread at a time calls run()/run_once(); every callback runs on it. The
//   thread may change between calls (a game that moves its network loop to a
//   worker after the splash screen).
// - Timers live in an ordered map keyed by (deadline, id); cancel is O(log n).
// - post() is the only thread-safe entry: it appends under a mutex and writes the
//   eventfd (when the queue was empty), so a loop blocked in epoll_wait wakes at
//   once. Posts made inside run_once() by the thread running it (clients deferring
//   their callbacks: the common case) skip both; run_once() hands what they leave
//   to the locked queue before it returns, so the next caller, on whichever
//   thread, finds them there, in order.
// - Lifetime: destroy the clients (and every Timer and IoWatch) before their loop
//   (declare the loop first). A loop destroyed with descriptor watches still
//   registered says so on stderr and aborts: their owners would touch freed memory.
// - File descriptors are watched through IoWatch handles; a watch removed during
//   dispatch never sees another event (each watch has a liveness flag that the
//   dispatcher checks before every call).
// - A host with its own loop can embed this one: watch fd() for readability and
//   call run_once(0) when it is readable or when next_deadline() has passed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <optional>
#include <unordered_map>
#include <vector>

#include "twinsock/loop.hpp"

namespace twinsock::native {

/// Readiness bits for watched descriptors.
enum IoEvents : std::uint32_t { io_none = 0, io_read = 1, io_write = 2, io_error = 4 };

class PollLoop;

/// A thread-safe handle for posting to a loop that may be destroyed meanwhile:
/// worker threads keep one, and their posts are dropped once the loop is gone.
class Poster {
 public:
  /// Queues `fn` on the loop; false (and `fn` dropped) if the loop was destroyed.
  bool post(Callback<void()> fn);

 private:
  friend class PollLoop;
  std::mutex mutex_;
  std::vector<Callback<void()>> queue_;
  int wake_fd_ = -1;  // -1 once the loop is gone
};

/// A watched file descriptor; unwatches on destruction. Move-only.
class IoWatch {
 public:
  IoWatch() = default;
  IoWatch(IoWatch&& other) noexcept;
  IoWatch& operator=(IoWatch&& other) noexcept;
  ~IoWatch() { reset(); }

  /// Changes which events are reported (io_read | io_write).
  void set_interest(std::uint32_t events);
  void reset();
  explicit operator bool() const { return loop_ != nullptr; }

 private:
  friend class PollLoop;

  IoWatch(PollLoop* loop, int fd) : loop_(loop), fd_(fd) {}
  PollLoop* loop_ = nullptr;
  int fd_ = -1;
};

class PollLoop final : public Loop {
 public:
  PollLoop();
  ~PollLoop() override;
  PollLoop(const PollLoop&) = delete;
  PollLoop& operator=(const PollLoop&) = delete;

  TimePoint now() const override;
  /// The clock of every PollLoop (counting while the machine sleeps); compare
  /// only with other values of it, never with steady_clock's.
  static TimePoint clock_now();
  TimerId set_timer(Duration delay, Callback<void()> fn) override;
  void cancel_timer(TimerId id) override;
  void post(Callback<void()> fn) override;

  /// Runs until stop() is called.
  void run();
  /// Waits up to `max_wait` for work, runs everything that is ready, and returns
  /// how many callbacks ran. run_once(Duration::zero()) never blocks.
  std::size_t run_once(Duration max_wait);
  /// Makes run() return after the current callback, or the next run() at once when
  /// none is running; thread-safe.
  void stop();

  /// For embedding in a foreign loop: readable whenever run_once(0) has work.
  int fd() const { return epoll_fd_; }
  /// The earliest timer deadline, if any timer is armed (or now() when posted work waits).
  std::optional<TimePoint> next_deadline() const;

  /// Watches `fd` (not owned) for `events`; `on_ready` receives the ready bits.
  /// Loop affinity: loop thread. The fd must not already be watched.
  IoWatch watch(int fd, std::uint32_t events, Callback<void(std::uint32_t)> on_ready);

  /// A handle for other threads that may outlive this loop.
  std::shared_ptr<Poster> poster() const { return mailbox_; }

  /// Number of armed timers (for leak checks in tests).
  std::size_t timer_count() const { return timers_.size(); }
  /// Number of watched descriptors (for leak checks in tests and the soak run).
  std::size_t watch_count() const { return watchers_.size(); }

  /// Tests of sleep detection: moves this loop's clock (now()) forward by `by`, as a
  /// process resumed after a suspend sees it. Deadlines armed before are that much
  /// closer; overdue timers fire on the next run_once(). Loop affinity: loop thread.
  void advance_clock(Duration by) { clock_offset_ += by; }

 private:
  friend class IoWatch;
  struct Watcher {
    Callback<void(std::uint32_t)> on_ready;
    bool alive = true;  // false once unwatched (the handler may unwatch itself)
  };

  void update_interest(int fd, std::uint32_t events);
  void unwatch(int fd);
  std::size_t run_posted();
  std::size_t run_due_timers();
  void drain_wakeup();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopped_{false};

  std::map<std::pair<TimePoint, TimerId>, Callback<void()>> timers_;
  std::unordered_map<TimerId, TimePoint> timer_deadlines_;
  TimerId next_timer_id_ = 1;
  Clock::duration clock_offset_{};  // advance_clock()

  std::shared_ptr<Poster> mailbox_ = std::make_shared<Poster>();
  // Posts made inside run_once() by its thread skip the mutex and the eventfd write;
  // run_once() moves what is left of them to mailbox_ on its way out. Everything
  // else goes through mailbox_.
  std::vector<Callback<void()>> local_posted_;
  std::atomic<std::thread::id> running_thread_{};  // inside run_once(); none outside
  int run_depth_ = 0;  // run_once() called from one of its own callbacks

  // Shared so that an event in flight keeps its watcher while the handler unwatches it
  // (copying the shared_ptr costs no allocation, unlike copying the std::function).
  std::unordered_map<int, std::shared_ptr<Watcher>> watchers_;
};

}  // namespace twinsock::native
