#include "process_stats.hpp"

#include <sys/resource.h>

#include <cerrno>

namespace twinsock::cli {

namespace {
double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }
}  // namespace

ProcessUsage process_usage() {
  ProcessUsage out;
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return out;
  out.user_s = seconds(ru.ru_utime);
  out.system_s = seconds(ru.ru_stime);
  out.max_rss_kb = ru.ru_maxrss;  // kilobytes on Linux
  return out;
}

FdLimit raise_fd_limit() {
  FdLimit out;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
    out.error = errno;
    return out;
  }
  out.soft = rl.rlim_cur;
  out.hard = rl.rlim_max;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      out.soft = rl.rlim_max;
      out.raised = true;
    } else {
      out.error = errno;
    }
  }
  return out;
}

}  // namespace twinsock::cli
