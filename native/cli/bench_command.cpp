// `twinsock bench URL --clients N`: a Socket.IO load generator. N clients, each its
// own sio::Manager (its own connection), share one PollLoop (or T loops on T
// threads, bench_worker.hpp), connect (at --ramp per second), then emit --event at
// --rate per client for --duration seconds, optionally with an ack whose latency
// goes into a log-linear histogram. A progress line goes to stderr every second
// (bench_progress.hpp); the report goes to stdout (bench_report.hpp).
//
// This file reads the command line and coordinates the phases from the main
// thread: connect, send, drain, close.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench_progress.hpp"
#include "bench_report.hpp"
#include "bench_worker.hpp"
#include "commands.hpp"
#include "interrupts.hpp"
#include "options.hpp"
#include "process_stats.hpp"
#include "sio_options.hpp"

namespace twinsock::cli {
namespace {

constexpr const char* kUsage =
    "usage: twinsock bench URL --clients N [options]\n"
    "\n"
    "Socket.IO load generator: opens N clients (one connection each) from this process,\n"
    "then has each emit EVENT with a string payload at --rate messages per second for\n"
    "--duration seconds, and reports connects, messages, ack latency, errors, CPU and memory.\n"
    "The URL (http://, https://, ws:// or wss://) is a Socket.IO URL; its path is the namespace.\n"
    "\n"
    "options:\n"
    "  --clients N                number of clients (required)\n"
    "  --ramp PER_SEC             start at most PER_SEC new connections per second\n"
    "                             (default: as fast as possible; never more than 200 connecting at once)\n"
    "  --rate MSGS                messages per second per client (default 0: connect and stay idle)\n"
    "  --duration SEC             how long to send once every client has connected (default 10)\n"
    "  --event NAME               event to emit (default message)\n"
    "  --payload-bytes B          size of the string payload (default 16)\n"
    "  --ack                      emit with an ack and measure the ack latency\n"
    "  --ack-timeout MS           an ack not back within MS counts as failed (default 10000)\n"
    "  --connect-timeout SEC      give up on a connection after SEC (default 20)\n"
    "  --threads T                run T event loops on T threads, clients split among them (default 1)\n"
    "  --transports LIST          websocket (default), polling, or polling,websocket\n"
    "  --path P                   Engine.IO path (default /socket.io/)\n"
    "  --query k=v                extra query parameter (repeatable)\n"
    "  --auth JSON                auth payload sent in CONNECT (an object)\n"
    "  --parser json|msgpack      packet format (the server must use the same)\n"
    "  -H, --header \"Name: value\"  extra header on every request (repeatable)\n"
    "  --origin URL               Origin header, as a page from URL sends (wscat -o)\n"
    "  --json                     the report as one JSON object on stdout\n"
    "  -q, --quiet                no progress line on stderr\n"
    "  --insecure, -k  --ca FILE  --cert FILE --key FILE  --proxy URL  --max-message BYTES\n"
    "  -v, --verbose              protocol trace of every client on stderr\n"
    "  -h, --help                 this help\n"
    "\n"
    "Clients do not reconnect: a connection that fails or drops stays down and is counted.\n"
    "Every event the server sends is counted as received. Ctrl-C ends the run early and\n"
    "still prints the report.\n"
    "\n"
    "exit codes: 0 every client connected and stayed connected, and (with --ack) every ack came\n"
    "            back; 1 otherwise (a client did not connect or dropped, an ack failed or was\n"
    "            still owed at the end); 2 usage error; 130 interrupted by Ctrl-C (143 SIGTERM)\n";

// The first Ctrl-C or SIGTERM: the run ends early, still reports, and exits 128 + signo.
std::atomic<int> g_interrupted_by{0};
void on_interrupt(int signo) {
  int none = 0;
  g_interrupted_by.compare_exchange_strong(none, signo);
}
bool interrupted() {
  return g_interrupted_by.load() != 0;
}

void catch_interrupts() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

bool is_reserved_event(const std::string& name) {
  return name == "connect" || name == "connect_error" || name == "disconnect" || name == "disconnecting" ||
         name == "newListener" || name == "removeListener";
}

int usage_error(const std::string& why) {
  std::fprintf(stderr, "twinsock bench: %s\n\n%s", why.c_str(), kUsage);
  return exit_usage;
}

/// Fills `config` from the command line; an exit code when the run should not start.
std::optional<int> parse_bench_options(int argc, char** argv, BenchConfig& config) {
  CommonOptions common;
  sio::ManagerOptions& mo = config.manager;
  mo.engine.transports = {"websocket"};
  std::optional<long> clients;
  std::optional<double> connect_timeout;
  std::optional<long> ack_timeout;
  const auto own = [&](ArgReader& args, const std::string& arg, std::string& error) {
    std::string v;
    double d = 0;
    long n = 0;
    if (is_option(arg, "--clients")) {
      if (args.value(arg, "--clients", v, error)) {
        if (!parse_count(v, n) || n < 1 || n > 1'000'000)
          error = "--clients needs a whole number from 1 to 1000000, got \"" + v + "\"";
        clients = n;
      }
    } else if (is_option(arg, "--ramp")) {
      if (args.value(arg, "--ramp", v, error) && (!parse_number(v, d) || d <= 0))
        error = "--ramp needs a positive number of connections per second, got \"" + v + "\"";
      config.ramp = d;
    } else if (is_option(arg, "--rate")) {
      if (args.value(arg, "--rate", v, error) && (!parse_number(v, d) || d > 100'000))
        error = "--rate needs messages per second per client, from 0 to 100000, got \"" + v + "\"";
      config.rate = d;
    } else if (is_option(arg, "--duration")) {
      if (args.value(arg, "--duration", v, error) && (!parse_number(v, d) || d > 7 * 86400))
        error = "--duration needs a number of seconds, got \"" + v + "\"";
      config.duration = d;
    } else if (is_option(arg, "--event")) {
      if (args.value(arg, "--event", v, error)) {
        if (v.empty())
          error = "--event needs an event name";
        else if (is_reserved_event(v))
          error = "--event \"" + v + "\" is a reserved Socket.IO event name";
        config.event = v;
      }
    } else if (is_option(arg, "--payload-bytes")) {
      if (args.value(arg, "--payload-bytes", v, error) && (!parse_count(v, n) || n > 64L * 1024 * 1024))
        error = "--payload-bytes needs a number of bytes (at most 64 MiB), got \"" + v + "\"";
      config.payload_bytes = static_cast<std::size_t>(n);
    } else if (arg == "--ack") {
      config.ack = true;
    } else if (is_option(arg, "--ack-timeout")) {
      if (args.value(arg, "--ack-timeout", v, error) && (!parse_count(v, n) || n < 1))
        error = "--ack-timeout needs milliseconds (at least 1), got \"" + v + "\"";
      ack_timeout = n;
    } else if (is_option(arg, "--connect-timeout")) {
      if (args.value(arg, "--connect-timeout", v, error) && (!parse_number(v, d) || d < 0.001 || d > 3600))
        error = "--connect-timeout needs a number of seconds, got \"" + v + "\"";
      connect_timeout = d;
    } else if (is_option(arg, "--threads")) {
      if (args.value(arg, "--threads", v, error) && (!parse_count(v, n) || n < 1 || n > 256))
        error = "--threads needs a whole number from 1 to 256, got \"" + v + "\"";
      config.threads = static_cast<int>(n);
    } else if (arg == "-q" || arg == "--quiet") {
      config.quiet = true;
    } else if (parse_manager_option(args, arg, config.manager, error)) {
      // --path, --auth, --query, --transports, --parser
    } else {
      return false;
    }
    return true;
  };
  if (auto code = parse_command_line(argc, argv, "bench", kUsage, {"http", "https", "ws", "wss"},
                                     "a Socket.IO URL starts with http://, https://, ws:// or wss://", common, own))
    return code;
  // Shared options that mean nothing for a load run.
  if (common.count) return usage_error("--count does not apply to bench (use --duration)");
  if (common.timeout) return usage_error("--timeout does not apply to bench (use --duration)");
  if (common.no_reconnect) return usage_error("--no-reconnect does not apply to bench (clients never reconnect)");
  if (!clients) return usage_error("missing --clients N");
  if (config.threads > *clients) return usage_error("--threads cannot exceed --clients");

  config.url = common.url;
  config.clients = *clients;
  config.json = common.json;
  config.verbose = common.verbose;
  if (ack_timeout) config.ack_timeout = Duration(*ack_timeout);
  mo.reconnection = false;
  mo.auto_connect = false;
  if (connect_timeout) mo.timeout = Duration(static_cast<long>(std::lround(*connect_timeout * 1000)));
  mo.engine.request_timeout = std::max(mo.engine.request_timeout, mo.timeout);
  apply_common_options(common, mo);
  return std::nullopt;
}

/// Raises the descriptor limit, and warns when it is still too low for the run.
std::uint64_t prepare_descriptors(const BenchConfig& config) {
  // One per WebSocket connection, two while polling upgrades, plus the loops' own.
  const FdLimit fds = raise_fd_limit();
  const auto& transports = config.manager.engine.transports;
  const bool polling = std::find(transports.begin(), transports.end(), "polling") != transports.end();
  const std::uint64_t needed = static_cast<std::uint64_t>(config.clients) * (polling ? 2 : 1) + 32 +
                               static_cast<std::uint64_t>(config.threads) * 2;
  if (fds.error == 0 && fds.soft < needed)
    std::fprintf(stderr,
                 "twinsock bench: warning: %ld clients need about %llu descriptors but the limit is %llu (hard limit "
                 "%llu); connections beyond it will fail. Raise the hard limit (ulimit -Hn, prlimit --nofile, "
                 "/etc/security/limits.conf) to go further.\n",
                 config.clients, static_cast<unsigned long long>(needed), static_cast<unsigned long long>(fds.soft),
                 static_cast<unsigned long long>(fds.hard));
  return fds.soft;
}

/// Runs the phases on `config.threads` workers and returns what they measured.
class BenchRun {
 public:
  explicit BenchRun(const BenchConfig& config) : config_(config), progress_(config.quiet, counters_, config.clients) {
    long first = 0;
    for (int t = 0; t < config.threads; ++t) {
      const long count = config.clients / config.threads + (t < config.clients % config.threads ? 1 : 0);
      workers_.push_back(std::make_unique<Worker>(config, counters_, first, count, t));
      first += count;
    }
  }

  /// `usage_start`: the tool's own footprint, before any client.
  BenchResult run(const ProcessUsage& usage_start) {
    BenchResult r;
    r.usage_start = usage_start;
    t0_ = native::PollLoop::clock_now();
    next_progress_ = t0_ + std::chrono::seconds(1);
    connect_phase(r);
    r.usage_connected = process_usage();
    if (!interrupted() && count_of(counters_.connected) > 0 && config_.duration > 0) send_phase(r);
    r.usage_run = process_usage();
    close_phase(r);
    r.usage = process_usage();
    return r;
  }

 private:
  bool all_settled() const {
    return std::all_of(workers_.begin(), workers_.end(), [](const auto& w) { return w->settled(); });
  }

  // Sleeps in short steps until `until` or `done()`, showing progress every second.
  template <typename Done>
  void wait(Clock::time_point until, const Done& done) {
    for (;;) {
      if (interrupted() || done()) return;
      const Clock::time_point now = native::PollLoop::clock_now();
      if (now >= until) return;
      if (now >= next_progress_) {
        progress_.show(phase_, seconds_between(t0_, now));
        while (next_progress_ <= now) next_progress_ += std::chrono::seconds(1);
      }
      std::this_thread::sleep_until(std::min({until, next_progress_, now + std::chrono::milliseconds(10)}));
    }
  }

  void connect_phase(BenchResult& r) {
    for (auto& w : workers_) w->start();
    wait(Clock::time_point::max(), [&] { return all_settled(); });
    Clock::time_point connect_end = native::PollLoop::clock_now();
    if (all_settled()) {
      connect_end = t0_;
      for (const auto& w : workers_) connect_end = std::max(connect_end, w->settled_at());
    }
    r.connect_time_s = seconds_between(t0_, connect_end);
  }

  // The measured window: every connected client sends for --duration seconds; then
  // what is in flight may come back (acks owed, echoes on their way), bounded.
  void send_phase(BenchResult& r) {
    phase_ = "running";
    const Clock::time_point start = native::PollLoop::clock_now();
    for (auto& w : workers_) w->start_sending();
    const auto length = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config_.duration));
    wait(start + length, [] { return false; });
    for (auto& w : workers_) w->stop_sending();
    const Clock::time_point end = native::PollLoop::clock_now();
    r.duration_s = seconds_between(start, end);

    // Acks get their whole timeout (each one then counts as acked or failed); echoes
    // get until the connections have been quiet for a moment, at most 5 s.
    phase_ = "draining";
    const Clock::duration drain_limit =
        config_.ack ? Clock::duration(config_.ack_timeout + Duration(200)) : Clock::duration(std::chrono::seconds(5));
    const Clock::time_point limit = end + drain_limit;
    std::uint64_t last_received = count_of(counters_.received);
    Clock::time_point quiet_since = native::PollLoop::clock_now();
    wait(limit, [&] {
      const std::uint64_t received = count_of(counters_.received);
      if (received != last_received) {
        last_received = received;
        quiet_since = native::PollLoop::clock_now();
      }
      const bool acks_done =
          !config_.ack || count_of(counters_.acked) + count_of(counters_.ack_failed) >= count_of(counters_.sent);
      return acks_done && native::PollLoop::clock_now() - quiet_since >= std::chrono::milliseconds(100);
    });
  }

  void close_phase(BenchResult& r) {
    phase_ = "closing";
    for (auto& w : workers_) w->close_all();
    for (auto& w : workers_) w->join();
    const Clock::time_point end = native::PollLoop::clock_now();
    progress_.show(phase_, seconds_between(t0_, end));
    progress_.end();
    r.elapsed_s = seconds_between(t0_, end);
    r.interrupted = interrupted();

    for (const auto& w : workers_) {
      r.ack_latency.merge(w->ack_latency());
      r.connect_latency.merge(w->connect_latency());
      for (const auto& [id, n] : w->errors()) r.errors[id] += n;
      for (const auto& [reason, n] : w->disconnect_reasons()) r.disconnect_reasons[reason] += n;
    }
    r.connected = count_of(counters_.connected);
    r.failed = count_of(counters_.failed);
    r.disconnected = count_of(counters_.disconnected);
    r.sent = count_of(counters_.sent);
    r.received = count_of(counters_.received);
    r.acked = count_of(counters_.acked);
    r.ack_failed = count_of(counters_.ack_failed);
    if (config_.ack && r.sent > r.acked + r.ack_failed) r.unacked = r.sent - r.acked - r.ack_failed;
  }

  const BenchConfig& config_;
  Counters counters_;
  Progress progress_;
  std::vector<std::unique_ptr<Worker>> workers_;
  Clock::time_point t0_{};
  Clock::time_point next_progress_{};
  const char* phase_ = "connecting";
};

}  // namespace

int run_bench(int argc, char** argv) {
  BenchConfig config;
  if (auto code = parse_bench_options(argc, argv, config)) return *code;
  const ProcessUsage usage_start = process_usage();
  const std::uint64_t fd_limit = prepare_descriptors(config);
  catch_interrupts();

  BenchRun run(config);
  BenchResult result = run.run(usage_start);
  result.fd_limit = fd_limit;
  if (config.json)
    print_bench_json(config, result);
  else
    print_bench_table(config, result);
  if (result.interrupted) return exit_code_for_signal(g_interrupted_by.load());
  return result.all_well(config) ? exit_ok : exit_failed;
}

}  // namespace twinsock::cli
