// twinsock_soak: reconnect storms and traffic on one native loop for a given time,
// then a check that nothing was left behind.
//
//   twinsock_soak [--duration S] [--storm-every S] [--sio N] [--ws N] [--sse N]
//                 [--rss-growth-pct P] [--rss-slack-kb K] [--heap-slack-kb K]
//
// It starts sio-server.mjs, ws-server.mjs and sse-server.mjs (tests/servers) and runs
// a Fleet of clients against them (fleet.hpp) in two phases:
// 1. warm-up (a tenth of the time, at least 8 s): traffic, and every kind of storm
//    once, a second apart; then every client is closed and the loop drained.
//    The process is sampled: RSS, open descriptors, live heap bytes.
// 2. the soak proper: a new fleet, traffic every 100 ms and a storm every
//    --storm-every seconds, cycling through: restart the Socket.IO server, server-side
//    disconnects, restart the WebSocket server, mass disconnect and reconnect of
//    every client, restart the SSE server, restart all three. Then closed, drained
//    and sampled again.
// Both phases end with all three servers restarted at once, and every client must
// connect again (bounded wait) before it is closed.
//
// Fails (exit 1) on a wrong answer from any client, a client that did not come back,
// a loop that still has timers, watched descriptors or posted work after the drain,
// descriptors that differ, live heap bytes that grew by more than --heap-slack-kb,
// or RSS that grew by more than --rss-growth-pct plus --rss-slack-kb (see
// tests/soak/CMakeLists.txt for why those bounds, and for ASan's part in RSS).
// Prints one line: soak: <s> s, <n> connects, <m> messages, RSS start/end KB, fds
// start/end, timers end, then the details.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "fleet.hpp"
#include "process_sample.hpp"
#include "server_slot.hpp"

namespace twinsock::soak {
namespace {

using Seconds = std::chrono::duration<double>;

struct Settings {
  double duration_s = 60;
  double storm_every_s = 4;
  FleetSize size;
  // See tests/soak/CMakeLists.txt for these bounds. ASan's quarantine and size-class
  // caches keep more freed memory resident, hence its larger slack.
  double rss_growth_pct = 5;
  long rss_slack_kb = kUnderAsan ? 6144 : 1024;
  long heap_slack_kb = 16;
};

std::optional<Settings> parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    const double value = std::atof(argv[++i]);
    if (flag == "--duration") s.duration_s = value;
    else if (flag == "--storm-every") s.storm_every_s = value;
    else if (flag == "--sio") s.size.sio = static_cast<int>(value);
    else if (flag == "--ws") s.size.ws = static_cast<int>(value);
    else if (flag == "--sse") s.size.sse = static_cast<int>(value);
    else if (flag == "--rss-growth-pct") s.rss_growth_pct = value;
    else if (flag == "--rss-slack-kb") s.rss_slack_kb = static_cast<long>(value);
    else if (flag == "--heap-slack-kb") s.heap_slack_kb = static_cast<long>(value);
    else return std::nullopt;
  }
  if (s.duration_s < 16 || s.storm_every_s <= 0) return std::nullopt;
  return s;
}

struct Servers {
  ServerSlot sio, ws, sse;
  bool restarting() const { return sio.restarting() || ws.restarting() || sse.restarting(); }
  void restart_all() {
    sio.restart();
    ws.restart();
    sse.restart();
  }
};

enum class Storm { restart_sio, server_disconnects, restart_ws, churn, restart_sse, restart_all };
constexpr Storm kStorms[] = {Storm::restart_sio, Storm::server_disconnects, Storm::restart_ws,
                             Storm::churn,       Storm::restart_sse,        Storm::restart_all};

void storm(Storm kind, Servers& servers, Fleet& fleet) {
  switch (kind) {
    case Storm::restart_sio: servers.sio.restart(); break;
    case Storm::restart_ws: servers.ws.restart(); break;
    case Storm::restart_sse: servers.sse.restart(); break;
    case Storm::restart_all: servers.restart_all(); break;
    case Storm::server_disconnects: fleet.provoke_disconnects(); break;
    case Storm::churn: fleet.churn(); break;
  }
}

// Runs the loop until `done()` or `bound` passes; whether it is done.
template <typename Done>
bool run_until(native::PollLoop& loop, Done done, Seconds bound) {
  const auto give_up = Clock::now() + std::chrono::duration_cast<Clock::duration>(bound);
  while (!done() && Clock::now() < give_up) loop.run_once(Duration(20));
  return done();
}

class Run {
 public:
  Run(native::PollLoop& loop, Servers& servers, ServerUrls urls, Settings settings)
      : loop_(loop), servers_(servers), urls_(std::move(urls)), settings_(settings) {}

  /// One phase: a fleet under traffic and storms for `length`, the final storm,
  /// then every client closed; what went wrong goes to failures_.
  void phase(Seconds length, Seconds storm_every, const char* name) {
    Fleet fleet(loop_, urls_, settings_.size, tally_);
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration_cast<Clock::duration>(length);
    auto next_traffic = start;
    auto next_storm = start + std::chrono::duration_cast<Clock::duration>(storm_every);
    auto next_progress = start + std::chrono::seconds(30);
    std::size_t storm_index = 0;
    while (Clock::now() < end) {
      loop_.run_once(Duration(10));
      const auto now = Clock::now();
      if (now >= next_traffic) {
        fleet.send_traffic();
        next_traffic = now + std::chrono::milliseconds(100);
      }
      if (now >= next_storm && !servers_.restarting()) {
        storm(kStorms[storm_index++ % std::size(kStorms)], servers_, fleet);
        ++storms_;
        next_storm = now + std::chrono::duration_cast<Clock::duration>(storm_every);
      }
      if (now >= next_progress) {
        std::fprintf(stderr, "soak: progress: %s %.0f s, %llu connects, %llu messages, RSS %ld KB\n", name,
                     Seconds(now - start).count(), static_cast<unsigned long long>(tally_.connects),
                     static_cast<unsigned long long>(tally_.messages), sample_process().rss_kb);
        next_progress = now + std::chrono::seconds(30);
      }
    }
    // The biggest storm last: every client must come back from it.
    run_until(loop_, [&] { return !servers_.restarting(); }, Seconds(15));
    fleet.mark_storm();
    servers_.restart_all();
    ++storms_;
    if (!run_until(loop_, [&] { return !servers_.restarting() && fleet.all_reconnected(); }, Seconds(30)))
      failures_.push_back(std::string(name) + ": not every client connected again within 30 s of the servers' restart");
    fleet.close_all();
    if (!run_until(loop_, [&] { return fleet.closed(); }, Seconds(15)))
      failures_.push_back(std::string(name) + ": not every client finished closing within 15 s");
  }

  /// Runs the loop until nothing is left in it; false if something stays.
  bool drain() {
    const bool empty = run_until(loop_, [&] {
      return loop_.timer_count() == 0 && loop_.watch_count() == 0 && !loop_.next_deadline();
    }, Seconds(10));
    return empty && loop_.run_once(Duration(0)) == 0;
  }

  int run() {
    const Seconds total(settings_.duration_s);
    const Seconds warmup = std::max(Seconds(8), total / 10);
    const auto t0 = Clock::now();
    phase(warmup, Seconds(1), "warm-up");
    if (!drain()) failures_.push_back("warm-up: the loop did not drain");
    const ProcessSample start = sample_process();
    phase(total - warmup, Seconds(settings_.storm_every_s), "soak");
    const bool drained = drain();
    const ProcessSample end = sample_process();
    report(Seconds(Clock::now() - t0), start, end, drained);
    return failures_.empty() ? 0 : 1;
  }

 private:
  void report(Seconds elapsed, const ProcessSample& start, const ProcessSample& end, bool drained) {
    const double rss_pct = start.rss_kb > 0 ? 100.0 * double(end.rss_kb - start.rss_kb) / double(start.rss_kb) : 0;
    const long rss_bound = start.rss_kb + static_cast<long>(double(start.rss_kb) * settings_.rss_growth_pct / 100) +
                           settings_.rss_slack_kb;
    const long heap_growth = static_cast<long>(end.heap_in_use) - static_cast<long>(start.heap_in_use);
    if (!drained)
      failures_.push_back("the loop still has " + std::to_string(loop_.timer_count()) + " timers, " +
                          std::to_string(loop_.watch_count()) + " watched descriptors or posted work");
    if (end.open_fds != start.open_fds)
      failures_.push_back("open descriptors " + std::to_string(start.open_fds) + " -> " + std::to_string(end.open_fds));
    if (end.rss_kb > rss_bound)
      failures_.push_back("RSS grew beyond " + std::to_string(rss_bound) + " KB");
    if (heap_growth > settings_.heap_slack_kb * 1024)
      failures_.push_back("live heap grew by " + std::to_string(heap_growth) + " bytes");
    if (tally_.bad > 0) failures_.push_back(std::to_string(tally_.bad) + " wrong answers");
    if (servers_.sio.failed_restarts() + servers_.ws.failed_restarts() + servers_.sse.failed_restarts() > 0)
      failures_.push_back("a server did not come back after a restart");

    std::printf("soak: %.0f s, %llu connects, %llu messages, RSS %ld/%ld KB (%+.1f%%), fds %d/%d, timers %zu\n",
                elapsed.count(), static_cast<unsigned long long>(tally_.connects),
                static_cast<unsigned long long>(tally_.messages), start.rss_kb, end.rss_kb, rss_pct, start.open_fds,
                end.open_fds, loop_.timer_count());
    std::printf("soak: details: %d storms, %llu sent, %llu acks failed by storms, live heap %zu/%zu bytes (%s, %+ld), "
                "watched fds %zu\n",
                storms_, static_cast<unsigned long long>(tally_.sent),
                static_cast<unsigned long long>(tally_.acks_failed), start.heap_in_use, end.heap_in_use,
                heap_counter_name(), heap_growth, loop_.watch_count());
    std::string errors;
    for (const auto& [id, n] : tally_.errors) errors += " " + id + "=" + std::to_string(n);
    std::printf("soak: error events:%s\n", errors.empty() ? " none" : errors.c_str());
    for (const auto& example : tally_.bad_examples) std::printf("soak: wrong answer: %s\n", example.c_str());
    for (const auto& failure : failures_) std::printf("soak: FAILED: %s\n", failure.c_str());
    if (failures_.empty()) std::printf("soak: passed\n");
    std::fflush(stdout);
  }

  native::PollLoop& loop_;
  Servers& servers_;
  ServerUrls urls_;
  Settings settings_;
  Tally tally_;
  int storms_ = 0;
  std::vector<std::string> failures_;
};

}  // namespace
}  // namespace twinsock::soak

int main(int argc, char** argv) {
  using namespace twinsock::soak;
  exact_heap_count_or_reexec(argv);
  const auto settings = parse(argc, argv);
  if (!settings) {
    std::fprintf(stderr,
                 "usage: twinsock_soak [--duration S (>= 16)] [--storm-every S] [--sio N] [--ws N] [--sse N]\n"
                 "                     [--rss-growth-pct P] [--rss-slack-kb K] [--heap-slack-kb K]\n");
    return 2;
  }
  twinsock::native::PollLoop loop;
  Servers servers{ServerSlot(loop, "sio-server.mjs"), ServerSlot(loop, "ws-server.mjs"), ServerSlot(loop, "sse-server.mjs")};
  if (!servers.sio.ok() || !servers.ws.ok() || !servers.sse.ok()) {
    std::fprintf(stderr, "soak: a test server did not start (is node on PATH, and npm ci done?)\n");
    return 1;
  }
  const ServerUrls urls{servers.sio.url("http", ""), servers.ws.url("ws", ""), servers.sse.url("http", "")};
  return Run(loop, servers, urls, *settings).run();
}
