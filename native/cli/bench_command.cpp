// `twinsock bench URL --clients N`: a Socket.IO load generator. N clients, each its
// own sio::Manager (its own connection), share one PollLoop (or T loops on T
// threads), connect (at --ramp per second, never more than kMaxInFlight at once),
// then emit --event at --rate per client for --duration seconds, optionally with
// an ack whose latency goes into a log-linear histogram. A progress line goes to
// stderr every second; the report goes to stdout (a table, or one JSON object).
//
// Threads: the main thread only coordinates (phases, progress, report); every
// client lives and dies on its worker's loop thread. Shared counters are atomics;
// histograms and error tallies are per worker and merged after the threads end.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "latency_histogram.hpp"
#include "options.hpp"
#include "sio_options.hpp"
#include "output.hpp"
#include "process_stats.hpp"
#include "twinsock/error.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sio/manager.hpp"

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
    "exit codes: 0 every client connected; 1 some did not (or the run was interrupted\n"
    "            before they did); 2 usage error\n";

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

std::uint64_t get(const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); }
void bump(std::atomic<std::uint64_t>& v, std::uint64_t n = 1) { v.fetch_add(n, std::memory_order_relaxed); }

std::uint64_t micros_between(Clock::time_point from, Clock::time_point to) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
  return us < 0 ? 0 : static_cast<std::uint64_t>(us);
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

/// One event loop on its own thread and the clients that live on it.
class Worker {
 public:
  Worker(const BenchConfig& config, Counters& counters, long first, long count, int index)
      : config_(config),
        counters_(counters),
        first_(first),
        launch_timer_(loop_),
        close_timer_(loop_),
        payload_(nlohmann::json::array({std::string(config.payload_bytes, 'x')})),
        rng_(static_cast<std::uint32_t>(0x9e3779b9u * static_cast<unsigned>(index + 1))) {
    clients_.reserve(static_cast<std::size_t>(count));
    for (long i = 0; i < count; ++i) clients_.push_back(std::make_unique<Client>(loop_));
    const double share = static_cast<double>(count) / static_cast<double>(config.clients);
    ramp_ = config.ramp * share;
    max_in_flight_ = std::max<long>(1, static_cast<long>(std::floor(static_cast<double>(kMaxInFlight) * share)));
  }

  void start() {
    thread_ = std::thread([this] {
      loop_.post([this] {
        started_at_ = loop_.now();
        launch_some();
      });
      loop_.run();
    });
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

  // Called from the coordinator thread: each posts its work to the loop.
  void start_sending() {
    loop_.post([this] { begin_sending(); });
  }
  void stop_sending() {
    loop_.post([this] {
      sending_ = false;
      for (auto& c : clients_) c->send_timer.cancel();
    });
  }
  void close_all() {
    loop_.post([this] { begin_close(); });
  }

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

  void count_error(std::error_code ec) {
    ++errors_[std::string(error_id(ec))];
    bump(counters_.errors);
  }

  void launch_some() {
    if (closing_) return;
    const long total = static_cast<long>(clients_.size());
    long allowed = total - next_;
    if (ramp_ > 0) {
      const double elapsed = std::chrono::duration<double>(loop_.now() - started_at_).count();
      allowed = std::min(allowed, static_cast<long>(std::floor(elapsed * ramp_)) + 1 - next_);
    }
    allowed = std::min(allowed, max_in_flight_ - in_flight_);
    for (long i = 0; i < allowed; ++i) launch(*clients_[static_cast<std::size_t>(next_++)]);
    if (next_ >= total) {
      if (settled_count_ == total) mark_settled();
      return;
    }
    // With a ramp, wake up for the next slot; without, the next settle launches more.
    if (ramp_ > 0 && !launch_timer_.armed()) launch_timer_.start(Duration(10), [this] { launch_some(); });
  }

  void launch(Client& c) {
    sio::ManagerOptions options = config_.manager;
    if (config_.verbose) {
      const std::string prefix = "[" + std::to_string(first_ + next_ - 1) + "] ";
      options.engine.trace = [prefix](std::string_view line) {
        std::fprintf(stderr, "%s%.*s\n", prefix.c_str(), static_cast<int>(line.size()), line.data());
      };
    }
    c.state = State::connecting;
    c.launched_at = loop_.now();
    ++in_flight_;
    bump(counters_.launched);
    c.manager = std::make_unique<sio::Manager>(loop_, config_.url, std::move(options));
    c.socket = &c.manager->socket();
    c.subs.push_back(c.socket->on_connect.on([this, &c] {
      if (c.state != State::connecting) return;
      c.state = State::connected;
      connect_latency_.record(micros_between(c.launched_at, loop_.now()));
      bump(counters_.connected);
      settle_one();
      if (sending_) schedule_first(c);
    }));
    c.subs.push_back(c.socket->on_connect_error.on([this, &c](const sio::ConnectError& e) {
      if (c.state != State::connecting) return;
      c.state = State::failed;
      count_error(e.code ? e.code : std::error_code(errc::connect_failed));
      bump(counters_.failed);
      // Free the descriptor and the memory of a client that will never connect.
      loop_.post([&c] {
        c.subs.clear();
        c.manager.reset();
        c.socket = nullptr;
      });
      settle_one();
    }));
    c.subs.push_back(c.socket->on_disconnect.on([this, &c](const std::string& reason) {
      if (c.state != State::connected || closing_) return;
      c.state = State::disconnected;
      c.send_timer.cancel();
      ++disconnect_reasons_[reason];
      bump(counters_.disconnected);
    }));
    c.subs.push_back(c.socket->on_any([this](const std::string&, const sio::Args&) { bump(counters_.received); }));
    c.subs.push_back(c.manager->on_error.on([this, &c](std::error_code ec, const std::string&) {
      if (c.state == State::connected && !closing_) count_error(ec);  // connect failures count once, above
    }));
    c.socket->connect();
  }

  void settle_one() {
    --in_flight_;
    ++settled_count_;
    if (next_ >= static_cast<long>(clients_.size()) && settled_count_ == static_cast<long>(clients_.size()))
      mark_settled();
    else
      launch_some();
  }

  void mark_settled() {
    if (settled()) return;
    settled_at_ = loop_.now();
    settled_.store(true, std::memory_order_release);
  }

  void begin_sending() {
    if (closing_ || config_.rate <= 0) return;
    sending_ = true;
    for (auto& c : clients_)
      if (c->state == State::connected) schedule_first(*c);
  }

  Clock::duration period() const {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / config_.rate));
  }

  // Spreads the clients' first messages over one period so they do not all send in the same millisecond.
  void schedule_first(Client& c) {
    std::uniform_real_distribution<double> fraction(0.0, 1.0);
    c.next_due = loop_.now() + std::chrono::duration_cast<Clock::duration>(period() * fraction(rng_));
    schedule(c);
  }

  void schedule(Client& c) {
    const auto wait = c.next_due - loop_.now();
    const auto ms = std::max<long>(0, static_cast<long>(std::ceil(std::chrono::duration<double, std::milli>(wait).count())));
    c.send_timer.start(Duration(ms), [this, &c] { fire(c); });
  }

  // Sends every message that is due (at most 100 per wake-up), then re-arms: an
  // open-loop schedule, so a slow server does not slow the offered rate down;
  // more than a second behind, the backlog is dropped.
  void fire(Client& c) {
    if (!sending_ || c.state != State::connected) return;
    const TimePoint now = loop_.now();
    const Clock::duration step = period();
    for (int n = 0; n < 100 && c.next_due <= now; ++n) {
      emit_one(c);
      if (c.state != State::connected || !sending_) return;
      c.next_due += step;
    }
    if (c.next_due + std::chrono::seconds(1) < now) c.next_due = now;
    schedule(c);
  }

  void emit_one(Client& c) {
    std::error_code ec;
    if (config_.ack) {
      const Clock::time_point sent_at = native::PollLoop::clock_now();
      ec = c.socket->emit(
          config_.event, payload_,
          [this, sent_at](std::error_code error, const sio::Args&) {
            if (!error) {
              ack_latency_.record(micros_between(sent_at, native::PollLoop::clock_now()));
              bump(counters_.acked);
            } else if (!closing_) {  // acks still owed at the end are counted as unacked, not errors
              bump(counters_.ack_failed);
              count_error(error);
            }
          },
          {.timeout = config_.ack_timeout});
    } else {
      ec = c.socket->emit(config_.event, payload_);
    }
    if (ec)
      count_error(ec);
    else
      bump(counters_.sent);
  }

  void begin_close() {
    closing_ = true;
    sending_ = false;
    launch_timer_.cancel();
    for (auto& c : clients_) {
      c->send_timer.cancel();
      if (!c->manager) continue;
      if (c->socket && c->socket->connected()) c->socket->disconnect();
      c->manager->close();
    }
    close_deadline_ = loop_.now() + Duration(3000);
    finish_close();
  }

  // Waits (bounded) until every closed connection has said goodbye, then destroys them all.
  void finish_close() {
    const bool draining = std::any_of(clients_.begin(), clients_.end(),
                                      [](const auto& c) { return c->manager && c->manager->draining(); });
    if (draining && loop_.now() < close_deadline_) {
      close_timer_.start(Duration(20), [this] { finish_close(); });
      return;
    }
    for (auto& c : clients_) {
      c->subs.clear();
      c->manager.reset();
      c->socket = nullptr;
    }
    // Destroyed engines may have posted their last clean-ups: run them, then stop.
    loop_.post([this] { loop_.stop(); });
  }

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

std::atomic<bool> g_interrupted{false};
void on_interrupt(int) { g_interrupted.store(true); }


bool is_reserved_event(const std::string& name) {
  return name == "connect" || name == "connect_error" || name == "disconnect" || name == "disconnecting" ||
         name == "newListener" || name == "removeListener";
}

std::string format_count(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

std::string format_us(std::uint64_t us) {
  char buf[32];
  if (us < 1000)
    std::snprintf(buf, sizeof buf, "%llu us", static_cast<unsigned long long>(us));
  else if (us < 1'000'000)
    std::snprintf(buf, sizeof buf, "%.2f ms", static_cast<double>(us) / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(us) / 1e6);
  return buf;
}

double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

nlohmann::ordered_json percentiles_json(const LatencyHistogram& h, bool with_mean) {
  if (h.count() == 0)
    return {{"p50", nullptr}, {"p90", nullptr}, {"p99", nullptr}, {"p999", nullptr}, {"min", nullptr}, {"max", nullptr}};
  nlohmann::ordered_json out = {{"p50", h.percentile(0.5)},  {"p90", h.percentile(0.9)}, {"p99", h.percentile(0.99)},
                                {"p999", h.percentile(0.999)}, {"min", h.min()},            {"max", h.max()}};
  if (with_mean) out["mean"] = round_to(h.mean(), 1);
  return out;
}

/// The live progress line: `\r`-rewritten on a terminal, one line per second otherwise.
class Progress {
 public:
  Progress(bool quiet, const Counters& counters, long clients)
      : quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1), counters_(counters), clients_(clients) {}

  void show(const char* phase, double elapsed_s) {
    if (quiet_) return;
    const std::uint64_t sent = get(counters_.sent), received = get(counters_.received), acked = get(counters_.acked);
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
                  elapsed_s, phase, static_cast<unsigned long long>(get(counters_.connected)), clients_,
                  static_cast<unsigned long long>(get(counters_.failed)),
                  static_cast<unsigned long long>(get(counters_.disconnected)), static_cast<unsigned long long>(sent),
                  rates_[0], static_cast<unsigned long long>(received), rates_[1],
                  static_cast<unsigned long long>(acked), rates_[2],
                  static_cast<unsigned long long>(get(counters_.errors)));
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
  void end() {
    if (!quiet_ && tty_ && shown_) std::fputc('\n', stderr);
  }

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

int usage_error(const std::string& why) {
  std::fprintf(stderr, "twinsock bench: %s\n\n%s", why.c_str(), kUsage);
  return exit_usage;
}

}  // namespace

int run_bench(int argc, char** argv) {
  CommonOptions common;
  BenchConfig config;
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
    } else if (parse_manager_option(args, arg, mo, error)) {
      // --path, --auth, --query, --transports, --parser
    } else {
      return false;
    }
    return true;
  };
  if (auto code = parse_command_line(argc, argv, "bench", kUsage, {"http", "https", "ws", "wss"},
                                     "a Socket.IO URL starts with http://, https://, ws:// or wss://", common, own))
    return *code;
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

  const ProcessUsage usage_start = process_usage();  // the tool's own footprint, before any client
  // Descriptors: one per WebSocket connection, two while polling upgrades, plus the loop's own.
  const FdLimit fds = raise_fd_limit();
  const bool polling = std::find(mo.engine.transports.begin(), mo.engine.transports.end(), "polling") !=
                       mo.engine.transports.end();
  const std::uint64_t needed = static_cast<std::uint64_t>(config.clients) * (polling ? 2 : 1) + 32 +
                               static_cast<std::uint64_t>(config.threads) * 2;
  if (fds.error == 0 && fds.soft < needed)
    std::fprintf(stderr,
                 "twinsock bench: warning: %ld clients need about %llu descriptors but the limit is %llu (hard limit "
                 "%llu); connections beyond it will fail. Raise the hard limit (ulimit -Hn, prlimit --nofile, "
                 "/etc/security/limits.conf) to go further.\n",
                 config.clients, static_cast<unsigned long long>(needed), static_cast<unsigned long long>(fds.soft),
                 static_cast<unsigned long long>(fds.hard));

  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Counters counters;
  std::vector<std::unique_ptr<Worker>> workers;
  long first = 0;
  for (int t = 0; t < config.threads; ++t) {
    const long count = config.clients / config.threads + (t < config.clients % config.threads ? 1 : 0);
    workers.push_back(std::make_unique<Worker>(config, counters, first, count, t));
    first += count;
  }

  Progress progress(config.quiet, counters, config.clients);
  const Clock::time_point t0 = native::PollLoop::clock_now();
  Clock::time_point next_progress = t0 + std::chrono::seconds(1);
  const char* phase = "connecting";
  // Sleeps in short steps until `until` or `done()`, showing progress every second.
  auto wait = [&](Clock::time_point until, const auto& done) {
    for (;;) {
      if (g_interrupted.load() || done()) return;
      const Clock::time_point now = native::PollLoop::clock_now();
      if (now >= until) return;
      if (now >= next_progress) {
        progress.show(phase, seconds_between(t0, now));
        while (next_progress <= now) next_progress += std::chrono::seconds(1);
      }
      std::this_thread::sleep_until(std::min({until, next_progress, now + std::chrono::milliseconds(10)}));
    }
  };
  const auto forever = Clock::time_point::max();

  for (auto& w : workers) w->start();
  wait(forever, [&] { return std::all_of(workers.begin(), workers.end(), [](const auto& w) { return w->settled(); }); });
  const bool all_settled = std::all_of(workers.begin(), workers.end(), [](const auto& w) { return w->settled(); });
  TimePoint connect_end = native::PollLoop::clock_now();
  if (all_settled) {
    connect_end = t0;
    for (const auto& w : workers) connect_end = std::max(connect_end, w->settled_at());
  }
  const ProcessUsage usage_connected = process_usage();

  // The measured window: every connected client sends for --duration seconds.
  Clock::time_point run_start = native::PollLoop::clock_now(), run_end = run_start;
  if (!g_interrupted.load() && get(counters.connected) > 0 && config.duration > 0) {
    phase = "running";
    for (auto& w : workers) w->start_sending();
    const auto length = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config.duration));
    wait(run_start + length, [] { return false; });
    for (auto& w : workers) w->stop_sending();
    run_end = native::PollLoop::clock_now();
    // Let what is in flight come back: acks owed, echoes on their way (bounded).
    phase = "draining";
    const Clock::time_point drain_limit = run_end + std::min<Clock::duration>(config.ack_timeout + Duration(200), std::chrono::seconds(5));
    std::uint64_t last_received = get(counters.received);
    Clock::time_point quiet_since = native::PollLoop::clock_now();
    wait(drain_limit, [&] {
      const std::uint64_t received = get(counters.received);
      if (received != last_received) {
        last_received = received;
        quiet_since = native::PollLoop::clock_now();
      }
      const bool acks_done = !config.ack || get(counters.acked) + get(counters.ack_failed) >= get(counters.sent);
      return acks_done && native::PollLoop::clock_now() - quiet_since >= std::chrono::milliseconds(100);
    });
  }
  const ProcessUsage usage_run = process_usage();

  phase = "closing";
  for (auto& w : workers) w->close_all();
  for (auto& w : workers) w->join();
  const Clock::time_point t_end = native::PollLoop::clock_now();
  progress.show(phase, seconds_between(t0, t_end));
  progress.end();
  const ProcessUsage usage = process_usage();

  LatencyHistogram ack_latency, connect_latency;
  std::map<std::string, std::uint64_t> errors, reasons;
  for (const auto& w : workers) {
    ack_latency.merge(w->ack_latency());
    connect_latency.merge(w->connect_latency());
    for (const auto& [id, n] : w->errors()) errors[id] += n;
    for (const auto& [r, n] : w->disconnect_reasons()) reasons[r] += n;
  }

  const std::uint64_t connected = get(counters.connected), failed = get(counters.failed);
  const std::uint64_t sent = get(counters.sent), received = get(counters.received), acked = get(counters.acked);
  const std::uint64_t ack_failed = get(counters.ack_failed);
  // Emits whose ack had neither come back nor failed when the clients were closed.
  const std::uint64_t unacked = config.ack && sent > acked + ack_failed ? sent - acked - ack_failed : 0;
  const double duration_s = seconds_between(run_start, run_end);
  const double connect_time_s = seconds_between(t0, connect_end);
  const double elapsed_s = seconds_between(t0, t_end);
  const bool interrupted = g_interrupted.load();
  const int exit_code = connected == static_cast<std::uint64_t>(config.clients) ? exit_ok : exit_failed;
  const auto rate_of = [&](std::uint64_t n) { return duration_s > 0 ? static_cast<double>(n) / duration_s : 0.0; };

  if (config.json) {
    nlohmann::ordered_json errors_json = nlohmann::ordered_json::object();
    for (const auto& [id, n] : errors) errors_json[id] = n;
    nlohmann::ordered_json reasons_json = nlohmann::ordered_json::object();
    for (const auto& [r, n] : reasons) reasons_json[r] = n;
    nlohmann::ordered_json report = {
        {"url", config.url},
        {"clients", config.clients},
        {"threads", config.threads},
        {"transports", mo.engine.transports},
        {"event", config.event},
        {"payload_bytes", config.payload_bytes},
        {"rate", config.rate},
        {"ack", config.ack},
        {"connected", connected},
        {"connect_failed", failed},
        {"connect_time_s", round_to(connect_time_s, 3)},
        {"connect_latency_us", percentiles_json(connect_latency, false)},
        {"disconnected", get(counters.disconnected)},
        {"disconnect_reasons", reasons_json},
        {"sent", sent},
        {"received", received},
        {"acked", acked},
        {"ack_failed", ack_failed},
        {"unacked", unacked},
        {"send_rate", round_to(rate_of(sent), 1)},
        {"receive_rate", round_to(rate_of(received), 1)},
        {"errors", errors_json},
        {"latency_us", percentiles_json(ack_latency, true)},
        {"cpu_s", round_to(usage.cpu_s(), 3)},
        {"cpu_user_s", round_to(usage.user_s, 3)},
        {"cpu_sys_s", round_to(usage.system_s, 3)},
        {"cpu_connect_s", round_to(usage_connected.cpu_s(), 3)},
        {"cpu_run_s", round_to(usage_run.cpu_s() - usage_connected.cpu_s(), 3)},
        {"max_rss_kb", usage.max_rss_kb},
        {"rss_per_client_kb", round_to(static_cast<double>(usage.max_rss_kb) / static_cast<double>(config.clients), 2)},
        {"rss_start_kb", usage_start.max_rss_kb},
        {"duration_s", round_to(duration_s, 3)},
        {"elapsed_s", round_to(elapsed_s, 3)},
        {"fd_limit", fds.soft},
        {"interrupted", interrupted},
    };
    Output(true).data(report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return exit_code;
  }

  std::string errors_text;
  for (const auto& [id, n] : errors) errors_text += (errors_text.empty() ? "" : ", ") + id + " " + format_count(n);
  std::string reasons_text;
  for (const auto& [r, n] : reasons) reasons_text += (reasons_text.empty() ? " (" : ", ") + r + " " + format_count(n);
  if (!reasons_text.empty()) reasons_text += ")";
  const std::string transports = [&] {
    std::string s;
    for (const auto& t : mo.engine.transports) s += (s.empty() ? "" : ",") + t;
    return s;
  }();
  std::printf("twinsock bench %s: %ld clients on %d thread%s (%s)%s\n", config.url.c_str(), config.clients,
              config.threads, config.threads == 1 ? "" : "s", transports.c_str(), interrupted ? ", interrupted" : "");
  std::printf("  %-13s %s of %s in %.3f s, %s failed\n", "connected", format_count(connected).c_str(),
              format_count(static_cast<std::uint64_t>(config.clients)).c_str(), connect_time_s,
              format_count(failed).c_str());
  if (connect_latency.count() > 0)
    std::printf("  %-13s p50 %s  p90 %s  p99 %s  max %s\n", "connect time", format_us(connect_latency.percentile(0.5)).c_str(),
                format_us(connect_latency.percentile(0.9)).c_str(), format_us(connect_latency.percentile(0.99)).c_str(),
                format_us(connect_latency.max()).c_str());
  std::printf("  %-13s %s%s\n", "dropped", format_count(get(counters.disconnected)).c_str(), reasons_text.c_str());
  std::printf("  %-13s %.3f s at %g msg/s per client, event \"%s\", %zu-byte payload%s\n", "duration", duration_s,
              config.rate, config.event.c_str(), config.payload_bytes, config.ack ? ", with ack" : "");
  std::printf("  %-13s %s (%.0f/s)\n", "sent", format_count(sent).c_str(), rate_of(sent));
  std::printf("  %-13s %s (%.0f/s)\n", "received", format_count(received).c_str(), rate_of(received));
  if (config.ack) {
    std::printf("  %-13s %s, %s failed, %s still owed at the end\n", "acked", format_count(acked).c_str(),
                format_count(ack_failed).c_str(), format_count(unacked).c_str());
    if (ack_latency.count() > 0)
      std::printf("  %-13s p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n", "ack latency",
                  format_us(ack_latency.percentile(0.5)).c_str(), format_us(ack_latency.percentile(0.9)).c_str(),
                  format_us(ack_latency.percentile(0.99)).c_str(), format_us(ack_latency.percentile(0.999)).c_str(),
                  format_us(ack_latency.max()).c_str());
  }
  std::printf("  %-13s %s\n", "errors", errors_text.empty() ? "none" : errors_text.c_str());
  std::printf("  %-13s %.2f s (user %.2f, sys %.2f); while connecting %.2f s, while running %.2f s\n", "cpu",
              usage.cpu_s(), usage.user_s, usage.system_s, usage_connected.cpu_s(),
              usage_run.cpu_s() - usage_connected.cpu_s());
  std::printf("  %-13s %s KB max RSS, %.1f KB per client (%.1f KB per client above the %s KB at start)\n", "memory",
              format_count(static_cast<std::uint64_t>(usage.max_rss_kb)).c_str(),
              static_cast<double>(usage.max_rss_kb) / static_cast<double>(config.clients),
              static_cast<double>(usage.max_rss_kb - usage_start.max_rss_kb) / static_cast<double>(config.clients),
              format_count(static_cast<std::uint64_t>(usage_start.max_rss_kb)).c_str());
  std::printf("  %-13s %.3f s\n", "elapsed", elapsed_s);
  std::fflush(stdout);
  return exit_code;
}

}  // namespace twinsock::cli
