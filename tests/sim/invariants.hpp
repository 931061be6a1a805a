// What every simulated schedule checks, whatever the client: a counter of the
// checks made, the first violation (with the step it happened in), and the
// bookkeeping for callbacks (none after destroy), acks (each settled exactly
// once) and paired events (connect/disconnect alternate).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "twinsock/error.hpp"

namespace twinsock::sim {

class Invariants {
 public:
  /// One check; a violation is kept if it is the first. Returns `ok`.
  bool check(bool ok, std::string_view what) {
    ++checks_;
    if (!ok && failure_.empty()) failure_ = std::string(what);
    return ok;
  }
  /// As check(), the message built only on a violation.
  template <typename Describe>
  bool check_that(bool ok, Describe&& describe) {
    ++checks_;
    if (!ok && failure_.empty()) failure_ = describe();
    return ok;
  }
  /// Every error the SDK reports has a stable id (errors/*.def), never a bare system code.
  void check_error(std::error_code ec, std::string_view where) {
    const std::string_view id = error_id(ec);
    check_that(ec && id != "TWINSOCK_ERR_UNKNOWN" && id != "TWINSOCK_ERR_SYSTEM",
               [&] { return std::string(where) + " reported an error without a stable id: " + std::string(id); });
  }

  bool failed() const { return !failure_.empty(); }
  const std::string& failure() const { return failure_; }
  std::uint64_t checks() const { return checks_; }

 private:
  std::uint64_t checks_ = 0;
  std::string failure_;
};

/// Every callback the test hands to the client goes through a Guard: none may
/// run once the client is destroyed.
class Guard {
 public:
  explicit Guard(Invariants& inv) : inv_(inv) {}
  void destroyed() { destroyed_ = true; }
  bool is_destroyed() const { return destroyed_; }
  /// Call at the top of every callback.
  bool enter(std::string_view callback) {
    return inv_.check_that(!destroyed_, [&] { return std::string(callback) + " called after the client was destroyed"; });
  }

 private:
  Invariants& inv_;
  bool destroyed_ = false;
};

/// The acks handed out: each must be settled (answered, timed out or failed) at most
/// once, and exactly once by the end of a schedule that ends with a drain and a close;
/// never when the call that would have sent it refused it.
class AckLedger {
 public:
  AckLedger(Invariants& inv, Guard& guard) : inv_(inv), guard_(guard) {}

  /// Registers the ack of `label`; returns its index for settle() and refused().
  std::size_t add(std::string label) {
    calls_.push_back(0);
    expected_.push_back(1);
    labels_.push_back(std::move(label));
    return calls_.size() - 1;
  }
  /// The client called the ack.
  void settle(std::size_t i) {
    if (!guard_.enter("ack " + labels_[i])) return;
    ++calls_[i];
    inv_.check_that(calls_[i] <= expected_[i], [&] {
      return "ack " + labels_[i] + (expected_[i] == 0 ? " called although its emit was refused" : " settled twice");
    });
  }
  /// The emit returned an error that means "not sent": its ack must never be called.
  void refused(std::size_t i) {
    expected_[i] = 0;
    inv_.check_that(calls_[i] == 0, [&] { return "ack " + labels_[i] + " called although its emit was refused"; });
  }
  /// The end of a drained schedule: nothing left unsettled.
  void check_all_settled() {
    for (std::size_t i = 0; i < calls_.size(); ++i)
      inv_.check_that(calls_[i] == expected_[i], [&] { return "ack " + labels_[i] + " never settled"; });
  }
  bool settled(std::size_t i) const { return calls_[i] >= expected_[i]; }
  const std::string& label(std::size_t i) const { return labels_[i]; }

 private:
  Invariants& inv_;
  Guard& guard_;
  std::vector<int> calls_;
  std::vector<int> expected_;
  std::vector<std::string> labels_;
};

/// An up/down pair of events (connect/disconnect, open/close) that must alternate.
class Alternation {
 public:
  Alternation(Invariants& inv, std::string name) : inv_(inv), name_(std::move(name)) {}
  void up() {
    inv_.check_that(!up_, [&] { return name_ + ": a second up event without a down event between"; });
    up_ = true;
  }
  /// `strict`: a down event needs an up event before it (else a failed attempt may report one).
  void down(bool strict = true) {
    if (strict) inv_.check_that(up_, [&] { return name_ + ": a down event without an up event before it"; });
    up_ = false;
  }
  bool is_up() const { return up_; }

 private:
  Invariants& inv_;
  std::string name_;
  bool up_ = false;
};

}  // namespace twinsock::sim
