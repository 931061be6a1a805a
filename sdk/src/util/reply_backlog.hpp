// Whether the replies a client wrote to a buffered sink (pongs) have left it,
// judged from the sink's count of unsent bytes. A peer that pings without
// reading our answers then gets a few of them, not a send buffer that grows
// with every ping: RFC 6455 §5.5.3 allows answering only the latest ping, and
// Engine.IO needs a single pong.
//
//   backlog.wrote(unsent_before, unsent_after);   // around every write to the sink
//   if (backlog.may_reply(sink.unsent())) { write(pong); backlog.wrote(...); backlog.replied(); }
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace twinsock::detail {

class ReplyBacklog {
 public:
  static constexpr std::size_t kMaxWaiting = 8;

  /// `max_waiting`: replies that may be unsent at once (1 to kMaxWaiting).
  explicit ReplyBacklog(std::size_t max_waiting) noexcept
      : max_waiting_(max_waiting < 1 ? 1 : max_waiting > kMaxWaiting ? kMaxWaiting : max_waiting) {}

  /// A write took the sink's unsent count from `before` to `after` (a sink that
  /// flushed meanwhile and shrank adds nothing).
  void wrote(std::size_t before, std::size_t after) noexcept { total_ += after > before ? after - before : 0; }

  /// True when fewer than max_waiting replies are still unsent; `unsent` is the sink's count now.
  bool may_reply(std::size_t unsent) noexcept {
    const std::uint64_t sent = total_ > unsent ? total_ - unsent : 0;
    while (waiting_ > 0 && ends_[first_] <= sent) {
      first_ = (first_ + 1) % kMaxWaiting;
      --waiting_;
    }
    return waiting_ < max_waiting_;
  }

  /// The reply just written (after its wrote()) ends at the current total.
  void replied() noexcept {
    if (waiting_ == kMaxWaiting) return;
    ends_[(first_ + waiting_) % kMaxWaiting] = total_;
    ++waiting_;
  }

 private:
  std::size_t max_waiting_;
  std::uint64_t total_ = 0;
  std::array<std::uint64_t, kMaxWaiting> ends_{};
  std::size_t first_ = 0;
  std::size_t waiting_ = 0;
};

}  // namespace twinsock::detail
