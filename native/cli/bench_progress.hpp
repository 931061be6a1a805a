// The live progress line of `twinsock bench` on stderr: rewritten in place (`\r`)
// on a terminal, one line per call otherwise; rates over the last second.
#pragma once

#include <cstdint>

#include "bench_worker.hpp"

namespace twinsock::cli {

class Progress {
 public:
  Progress(bool quiet, const Counters& counters, long clients);

  /// Shows the counters `elapsed_s` seconds into the run, in `phase` ("connecting", ...).
  void show(const char* phase, double elapsed_s);
  /// Ends the line a terminal was rewriting.
  void end();

 private:
  bool quiet_;
  bool tty_;
  const Counters& counters_;
  long clients_;
  bool shown_ = false;
  double last_s_ = 0;
  std::uint64_t last_sent_ = 0, last_received_ = 0, last_acked_ = 0;
  double rates_[3] = {0, 0, 0};
};

}  // namespace twinsock::cli
