#include "twinsock/native/poll_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <cstdio>
#include <cstdlib>

namespace twinsock::native {
namespace {

std::uint32_t to_epoll(std::uint32_t events) {
  std::uint32_t out = 0;
  if (events & io_read) out |= EPOLLIN | EPOLLRDHUP;
  if (events & io_write) out |= EPOLLOUT;
  return out;
}

std::uint32_t from_epoll(std::uint32_t events) {
  std::uint32_t out = 0;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) out |= io_read;
  if (events & EPOLLOUT) out |= io_write;
  if (events & (EPOLLERR | EPOLLHUP)) out |= io_error;
  return out;
}

[[noreturn]] void fatal(const char* what) {
  std::perror(what);
  std::abort();
}

}  // namespace

IoWatch::IoWatch(IoWatch&& other) noexcept : loop_(other.loop_), fd_(other.fd_) {
  other.loop_ = nullptr;
  other.fd_ = -1;
}

IoWatch& IoWatch::operator=(IoWatch&& other) noexcept {
  if (this != &other) {
    reset();
    loop_ = other.loop_;
    fd_ = other.fd_;
    other.loop_ = nullptr;
    other.fd_ = -1;
  }
  return *this;
}

void IoWatch::set_interest(std::uint32_t events) {
  if (loop_) loop_->update_interest(fd_, events);
}

void IoWatch::reset() {
  if (loop_) loop_->unwatch(fd_);
  loop_ = nullptr;
  fd_ = -1;
}

PollLoop::PollLoop() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fatal("twinsock: epoll_create1");
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) fatal("twinsock: eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) fatal("twinsock: epoll_ctl");
  mailbox_->wake_fd_ = wake_fd_;
}

bool Poster::post(Callback<void()> fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (wake_fd_ < 0) return false;
  queue_.push_back(std::move(fn));
  // A queue that held work already has its wake-up on the way (or is seen by the
  // loop's next_deadline()). A full eventfd counter (EAGAIN) still wakes the loop.
  if (queue_.size() == 1) {
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
  }
  return true;
}

PollLoop::~PollLoop() {
  // A watch left is an IoWatch (a connection) that outlives its loop and would touch freed
  // memory later: say so at once. (Timers left may be plain set_timer() ones, owned by nobody.)
  if (!watchers_.empty()) {
    std::fprintf(stderr,
                 "twinsock: PollLoop destroyed while %zu descriptor watches are still registered: "
                 "destroy the clients (their connections, timers and watches) before their loop\n",
                 watchers_.size());
    std::abort();
  }
  std::vector<Callback<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mailbox_->mutex_);
    mailbox_->wake_fd_ = -1;  // from now on post() says false
    dropped.swap(mailbox_->queue_);
  }
  // Outside the lock: a dropped function's destructor may post (and be told false).
  dropped.clear();
  local_posted_.clear();
  close(wake_fd_);
  close(epoll_fd_);
}

// CLOCK_BOOTTIME, not steady_clock's CLOCK_MONOTONIC: it keeps counting while the
// machine is suspended, so on resume the heartbeat timers see the time that passed
// and a connection that died meanwhile is noticed at the next wake-up instead of
// after a full heartbeat window. Both clocks start at boot; only the loop compares them.
TimePoint PollLoop::clock_now() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  const auto since_boot = std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  return TimePoint(std::chrono::duration_cast<Clock::duration>(since_boot));
}

TimePoint PollLoop::now() const { return clock_now() + clock_offset_; }

TimerId PollLoop::set_timer(Duration delay, Callback<void()> fn) {
  const TimerId id = next_timer_id_++;
  const TimePoint deadline = now() + (delay.count() > 0 ? delay : Duration::zero());
  timers_.emplace(std::make_pair(deadline, id), std::move(fn));
  timer_deadlines_.emplace(id, deadline);
  return id;
}

void PollLoop::cancel_timer(TimerId id) {
  auto it = timer_deadlines_.find(id);
  if (it == timer_deadlines_.end()) return;
  timers_.erase({it->second, id});
  timer_deadlines_.erase(it);
}

void PollLoop::post(Callback<void()> fn) {
  if (std::this_thread::get_id() == running_thread_.load()) {
    local_posted_.push_back(std::move(fn));
    return;
  }
  mailbox_->post(std::move(fn));
}

void PollLoop::stop() {
  stopped_ = true;
  // From one of its callbacks the loop is awake: run() sees the flag when run_once() returns.
  if (std::this_thread::get_id() == running_thread_.load()) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void PollLoop::run() {
  // Each stop() ends one run(), also one made before run() started (from another
  // thread, say): clearing the flag on entry would lose it and run forever.
  while (!stopped_.exchange(false)) run_once(Duration(60'000));
}

std::optional<TimePoint> PollLoop::next_deadline() const {
  if (!local_posted_.empty()) return now();
  {
    std::lock_guard<std::mutex> lock(mailbox_->mutex_);
    if (!mailbox_->queue_.empty()) return now();
  }
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.first;
}

std::size_t PollLoop::run_once(Duration max_wait) {
  running_thread_.store(std::this_thread::get_id());
  ++run_depth_;
  int timeout_ms = static_cast<int>(max_wait.count() < 0 ? 0 : max_wait.count());
  if (auto deadline = next_deadline()) {
    const auto until = std::chrono::ceil<Duration>(*deadline - now()).count();
    if (until < timeout_ms) timeout_ms = until < 0 ? 0 : static_cast<int>(until);
  }
  epoll_event events[64];
  int n = epoll_wait(epoll_fd_, events, 64, timeout_ms);
  if (n < 0 && errno != EINTR) fatal("twinsock: epoll_wait");
  std::size_t ran = 0;
  for (int i = 0; i < n; ++i) {
    const int fd = events[i].data.fd;
    if (fd == wake_fd_) {
      drain_wakeup();
      continue;
    }
    auto it = watchers_.find(fd);
    if (it == watchers_.end()) continue;
    const std::shared_ptr<Watcher> watcher = it->second;  // the handler may unwatch (and erase) itself
    if (watcher->alive) {
      watcher->on_ready(from_epoll(events[i].events));
      ++ran;
    }
  }
  ran += run_due_timers();
  ran += run_posted();
  if (--run_depth_ == 0) {
    // What the callbacks posted waits in the shared queue, ahead of anything posted
    // from now on, for the next run_once() on whichever thread makes it.
    if (!local_posted_.empty()) {
      std::lock_guard<std::mutex> lock(mailbox_->mutex_);
      for (auto& fn : local_posted_) mailbox_->queue_.push_back(std::move(fn));
    }
    local_posted_.clear();
    running_thread_.store(std::thread::id{});
  }
  return ran;
}

std::size_t PollLoop::run_posted() {
  // The mailbox first: it holds what was posted before this run_once() (callbacks'
  // leftovers included), which comes before what this one's callbacks posted.
  std::vector<Callback<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mailbox_->mutex_);
    batch.swap(mailbox_->queue_);
  }
  if (batch.empty()) batch.swap(local_posted_);
  else for (auto& fn : local_posted_) batch.push_back(std::move(fn));
  local_posted_.clear();
  for (auto& fn : batch) fn();
  return batch.size();
}

std::size_t PollLoop::run_due_timers() {
  // Snapshot the timers due now; timers armed by their callbacks wait for the
  // next pass, so a zero-delay re-arm cannot starve I/O.
  const TimePoint t = now();
  std::vector<std::pair<TimePoint, TimerId>> due;
  for (auto it = timers_.begin(); it != timers_.end() && it->first.first <= t; ++it) due.push_back(it->first);
  std::size_t ran = 0;
  for (const auto& key : due) {
    auto it = timers_.find(key);
    if (it == timers_.end()) continue;  // cancelled by an earlier callback
    auto fn = std::move(it->second);
    timers_.erase(it);
    timer_deadlines_.erase(key.second);
    fn();
    ++ran;
  }
  return ran;
}

void PollLoop::drain_wakeup() {
  std::uint64_t value;
  [[maybe_unused]] ssize_t n = read(wake_fd_, &value, sizeof value);
}

IoWatch PollLoop::watch(int fd, std::uint32_t events, Callback<void(std::uint32_t)> on_ready) {
  epoll_event ev{};
  ev.events = to_epoll(events);
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) fatal("twinsock: epoll_ctl add");
  watchers_.insert_or_assign(fd, std::make_shared<Watcher>(Watcher{std::move(on_ready)}));
  return IoWatch(this, fd);
}

void PollLoop::update_interest(int fd, std::uint32_t events) {
  epoll_event ev{};
  ev.events = to_epoll(events);
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void PollLoop::unwatch(int fd) {
  auto it = watchers_.find(fd);
  if (it == watchers_.end()) return;
  it->second->alive = false;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  watchers_.erase(it);
}

}  // namespace twinsock::native
