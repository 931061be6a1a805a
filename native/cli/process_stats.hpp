// What `twinsock bench` reports about its own process: CPU time and peak memory
// (getrusage), and the descriptor limit it raises at start.
#pragma once

#include <cstdint>

namespace twinsock::cli {

struct ProcessUsage {
  double user_s = 0;     // CPU time in user mode, every thread
  double system_s = 0;   // CPU time in the kernel, every thread
  long max_rss_kb = 0;   // peak resident set size
  double cpu_s() const { return user_s + system_s; }
};

ProcessUsage process_usage();

struct FdLimit {
  std::uint64_t soft = 0;  // after raising
  std::uint64_t hard = 0;
  bool raised = false;     // the soft limit was below the hard one and now equals it
  int error = 0;           // errno of a failed getrlimit/setrlimit, else 0
};

/// Raises RLIMIT_NOFILE's soft limit to the hard limit.
FdLimit raise_fd_limit();

}  // namespace twinsock::cli
