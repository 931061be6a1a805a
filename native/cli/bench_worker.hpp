// The clients of `twinsock bench`. A Worker runs its share of them on its own
// PollLoop and thread: each client is its own sio::Manager (its own connection);
// they connect at the ramp (never more than kMaxInFlight at once), emit at the
// rate once told to, and are closed together at the end.
//
// Threads: the coordinator (bench_command.cpp) only calls start, the phase
// methods (which post to the worker's loop), settled and join; every client lives
// and dies on the worker's thread. Counters are shared atomics; the histograms
// and error tallies are the worker's own, read after join().
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "latency_histogram.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sio/manager.hpp"

namespace twinsock::cli {

/// Most connections that may be opening at the same time (all threads together).
constexpr long kMaxInFlight = 200;

struct BenchConfig {
  std::string url;
  sio::ManagerOptions manager;
  long clients = 0;
  double ramp = 0;  // 0: no ramp
  double rate = 0;
  double duration = 10;
  std::string event = "message";
  std::size_t payload_bytes = 16;
  bool ack = false;
  Duration ack_timeout = Duration(10'000);
  int threads = 1;
  bool quiet = false;
  bool json = false;
  bool verbose = false;
};

/// Shared by every worker; written with relaxed atomics, read by the coordinator.
struct Counters {
  std::atomic<std::uint64_t> launched{0};
  std::atomic<std::uint64_t> connected{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> disconnected{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> acked{0};
  std::atomic<std::uint64_t> ack_failed{0};
  std::atomic<std::uint64_t> errors{0};
};

inline std::uint64_t count_of(const std::atomic<std::uint64_t>& counter) {
  return counter.load(std::memory_order_relaxed);
}

/// One event loop on its own thread and the clients that live on it.
class Worker {
 public:
  /// Clients number `first` to `first + count - 1` (for trace prefixes); `index` seeds the send jitter.
  Worker(const BenchConfig& config, Counters& counters, long first, long count, int index);

  void start();
  void join();

  // Called from the coordinator thread: each posts its work to the loop.
  void start_sending();
  void stop_sending();
  void close_all();

  /// Every client of this worker connected or failed; when (loop clock).
  bool settled() const { return settled_.load(std::memory_order_acquire); }
  TimePoint settled_at() const { return settled_at_; }

  // Read after join().
  const LatencyHistogram& ack_latency() const { return ack_latency_; }
  const LatencyHistogram& connect_latency() const { return connect_latency_; }
  const std::map<std::string, std::uint64_t>& errors() const { return errors_; }
  const std::map<std::string, std::uint64_t>& disconnect_reasons() const { return disconnect_reasons_; }

 private:
  enum class State : std::uint8_t { waiting, connecting, connected, failed, disconnected };

  struct Client {
    explicit Client(Loop& loop) : send_timer(loop) {}
    std::unique_ptr<sio::Manager> manager;
    sio::Socket* socket = nullptr;
    std::vector<Subscription> subs;
    Timer send_timer;
    TimePoint launched_at{};
    TimePoint next_due{};
    State state = State::waiting;
  };

  void count_error(std::error_code ec);
  void launch_some();
  void launch(Client& c);
  void settle_one();
  void mark_settled();
  void begin_sending();
  Clock::duration period() const;
  void schedule_first(Client& c);
  void schedule(Client& c);
  void fire(Client& c);
  void emit_one(Client& c);
  void begin_close();
  void finish_close();

  const BenchConfig& config_;
  Counters& counters_;
  long first_;
  native::PollLoop loop_;
  std::vector<std::unique_ptr<Client>> clients_;
  Timer launch_timer_;
  Timer close_timer_;
  sio::Args payload_;
  std::mt19937 rng_;
  std::thread thread_;

  double ramp_ = 0;
  long max_in_flight_ = kMaxInFlight;
  long next_ = 0;
  long in_flight_ = 0;
  long settled_count_ = 0;
  TimePoint started_at_{};
  TimePoint settled_at_{};
  std::atomic<bool> settled_{false};
  bool sending_ = false;
  bool closing_ = false;
  TimePoint close_deadline_{};

  LatencyHistogram ack_latency_;
  LatencyHistogram connect_latency_;
  std::map<std::string, std::uint64_t> errors_;
  std::map<std::string, std::uint64_t> disconnect_reasons_;
};

}  // namespace twinsock::cli
