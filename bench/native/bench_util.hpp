// Helpers shared by the native benchmark clients: clocks, client CPU (getrusage),
// RSS, command-line flags, percentiles and the one-line JSON result that
// bench/run.mjs reads from stdout.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

/// User + system CPU of the whole process so far, in microseconds (getrusage(RUSAGE_SELF)).
inline double cpu_us() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto us = [](const timeval& tv) { return double(tv.tv_sec) * 1e6 + double(tv.tv_usec); };
  return us(ru.ru_utime) + us(ru.ru_stime);
}

/// Resident set size now, in KiB (VmRSS of /proc/self/status).
inline double rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6);
  }
  return 0;
}

/// Nearest-rank percentile (p in [0, 100]) of `values` (sorted here).
inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t rank = static_cast<std::size_t>(p / 100.0 * double(values.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  return values[rank - 1];
}

/// `--name value` flags after the scenario name.
class Flags {
 public:
  Flags(int argc, char** argv, int first) {
    for (int i = first; i + 1 < argc; i += 2) {
      if (std::strncmp(argv[i], "--", 2) == 0) values_[argv[i] + 2] = argv[i + 1];
    }
  }
  std::string str(const std::string& name, const std::string& fallback = {}) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  long num(const std::string& name, long fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : std::atol(it->second.c_str());
  }

 private:
  std::map<std::string, std::string> values_;
};

/// Builds the flat JSON object printed as the program's last stdout line.
class Result {
 public:
  Result& set(const std::string& key, double value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", value);
    fields_.emplace_back(key, buf);
    return *this;
  }
  Result& set(const std::string& key, const std::string& value) {
    fields_.emplace_back(key, "\"" + value + "\"");
    return *this;
  }
  void print(bool ok = true) const {
    std::string out = ok ? "{\"ok\":true" : "{\"ok\":false";
    for (const auto& [k, v] : fields_) out += ",\"" + k + "\":" + v;
    out += "}\n";
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

[[noreturn]] inline void fail(const std::string& why) {
  Result().set("error", why).print(false);
  std::exit(1);
}

}  // namespace bench
