#include "bench_progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace twinsock::cli {

Progress::Progress(bool quiet, const Counters& counters, long clients)
    : quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1), counters_(counters), clients_(clients) {}

void Progress::show(const char* phase, double elapsed_s) {
  if (quiet_) return;
  const std::uint64_t sent = count_of(counters_.sent), received = count_of(counters_.received);
  const std::uint64_t acked = count_of(counters_.acked);
  // Rates over the last second; a shorter last interval (the final line) keeps the previous ones.
  const double dt = elapsed_s - last_s_;
  const bool fresh = dt >= 0.5;
  if (fresh) {
    rates_[0] = static_cast<double>(sent - last_sent_) / dt;
    rates_[1] = static_cast<double>(received - last_received_) / dt;
    rates_[2] = static_cast<double>(acked - last_acked_) / dt;
  }
  char line[512];
  std::snprintf(line, sizeof line,
                "[%6.1fs] %-10s connected %llu/%ld  failed %llu  dropped %llu | sent %llu (%.0f/s)  received %llu "
                "(%.0f/s)  acked %llu (%.0f/s) | errors %llu",
                elapsed_s, phase, static_cast<unsigned long long>(count_of(counters_.connected)), clients_,
                static_cast<unsigned long long>(count_of(counters_.failed)),
                static_cast<unsigned long long>(count_of(counters_.disconnected)),
                static_cast<unsigned long long>(sent), rates_[0], static_cast<unsigned long long>(received), rates_[1],
                static_cast<unsigned long long>(acked), rates_[2],
                static_cast<unsigned long long>(count_of(counters_.errors)));
  if (tty_)
    std::fprintf(stderr, "\r%s\x1b[K", line);
  else
    std::fprintf(stderr, "%s\n", line);
  std::fflush(stderr);
  shown_ = true;
  if (!fresh) return;
  last_s_ = elapsed_s;
  last_sent_ = sent;
  last_received_ = received;
  last_acked_ = acked;
}

void Progress::end() {
  if (!quiet_ && tty_ && shown_) std::fputc('\n', stderr);
}

}  // namespace twinsock::cli
