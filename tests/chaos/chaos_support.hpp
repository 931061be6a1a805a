// Shared by the chaos scenarios: how each prints its numbers, and a log of the
// outages a client went through (how long each took to recover).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace twinsock::testing {

using ChaosClock = std::chrono::steady_clock;

inline double ms_between(ChaosClock::time_point from, ChaosClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// One line per scenario, `chaos: <name> key=value ...`, for the CI log and the report.
inline void chaos_line(const std::string& name, const std::string& numbers) {
  std::printf("chaos: %s %s\n", name.c_str(), numbers.c_str());
  std::fflush(stdout);
}

/// Outages of one client: down() when it loses the connection (or an attempt fails),
/// up() when it is open (the first time too).
class Outages {
 public:
  void down() {
    ++downs_;
    if (!down_since_) down_since_ = ChaosClock::now();
  }
  void up() {
    ++ups_;
    if (!down_since_) return;
    recovery_ms_.push_back(ms_between(*down_since_, ChaosClock::now()));
    down_since_.reset();
  }
  int ups() const { return ups_; }
  int downs() const { return downs_; }
  std::size_t count() const { return recovery_ms_.size(); }
  double mean_ms() const {
    double sum = 0;
    for (double ms : recovery_ms_) sum += ms;
    return recovery_ms_.empty() ? 0 : sum / static_cast<double>(recovery_ms_.size());
  }
  double max_ms() const { return recovery_ms_.empty() ? 0 : *std::max_element(recovery_ms_.begin(), recovery_ms_.end()); }
  /// "outages=N recovery_mean_ms=M recovery_max_ms=X"
  std::string summary() const {
    char text[128];
    std::snprintf(text, sizeof text, "outages=%zu recovery_mean_ms=%.1f recovery_max_ms=%.1f", count(), mean_ms(),
                  max_ms());
    return text;
  }

 private:
  int ups_ = 0, downs_ = 0;
  std::optional<ChaosClock::time_point> down_since_;
  std::vector<double> recovery_ms_;
};

}  // namespace twinsock::testing
