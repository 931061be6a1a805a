// What `twinsock bench` reports at the end of a run: a table on stdout, or one
// JSON object with --json (the field names are part of the CLI's interface).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "bench_worker.hpp"
#include "latency_histogram.hpp"
#include "process_stats.hpp"

namespace twinsock::cli {

/// Everything a run measured: the counters, the workers' histograms and tallies
/// merged, the phases' lengths and the process's usage after each phase.
struct BenchResult {
  std::uint64_t connected = 0;
  std::uint64_t failed = 0;
  std::uint64_t disconnected = 0;
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t acked = 0;
  std::uint64_t ack_failed = 0;
  std::uint64_t unacked = 0;  // emits whose ack was still owed when the clients were closed
  LatencyHistogram ack_latency;
  LatencyHistogram connect_latency;
  std::map<std::string, std::uint64_t> errors;              // by error id
  std::map<std::string, std::uint64_t> disconnect_reasons;  // Socket.IO reasons
  double connect_time_s = 0;                                // start until every client connected or failed
  double duration_s = 0;                                    // the measured sending window
  double elapsed_s = 0;                                     // the whole run
  ProcessUsage usage_start;                                 // before any client
  ProcessUsage usage_connected;                             // after the connect phase
  ProcessUsage usage_run;                                   // after the sending window
  ProcessUsage usage;                                       // at the end
  std::uint64_t fd_limit = 0;
  bool interrupted = false;

  /// Every client connected and stayed up, every ack came back, nothing cut the run short.
  bool all_well(const BenchConfig& config) const {
    return connected == static_cast<std::uint64_t>(config.clients) && disconnected == 0 && ack_failed == 0 &&
           unacked == 0 && !interrupted;
  }

  /// The messages per second the run was asked for, all clients together.
  double target_send_rate(const BenchConfig& config) const { return config.rate * static_cast<double>(connected); }
  /// Sent noticeably fewer than asked (a saturated loop or a slow server).
  bool missed_rate(const BenchConfig& config) const {
    return duration_s > 0 && static_cast<double>(sent) < 0.9 * target_send_rate(config) * duration_s;
  }
};

void print_bench_json(const BenchConfig& config, const BenchResult& result);
void print_bench_table(const BenchConfig& config, const BenchResult& result);

}  // namespace twinsock::cli
