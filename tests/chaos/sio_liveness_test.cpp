// How sio::Manager notices a dead link and comes back: a black-holed connection
// (heartbeat), a restarting server (backoff), a clock that jumps (suspend/resume).
#include <cmath>

#include <nlohmann/json.hpp>

#include "sio_chaos.hpp"
#include "twinsock/error.hpp"

namespace twinsock::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Emits "message-with-ack" and waits for the echo.
bool echo(native::PollLoop& loop, sio::Socket& s, const json& args) {
  bool ok = false, done = false;
  if (s.emit("message-with-ack", args, [&](std::error_code ec, const sio::Args& a) {
        done = true;
        ok = !ec && a == args;
      }))
    return false;
  return run_until(loop, [&] { return done; }) && ok;
}

// (3) The proxy black-holes the link (no FIN, no RST): the heartbeat notices within
// pingInterval + pingTimeout after the last ping, and the Manager reconnects.
TEST_F(SioChaos, AStalledLinkIsDetectedByTheHeartbeatAndReconnected) {
  SioClient client(loop, url(), unhurried_options());
  auto& [io, s, log] = client;
  const Duration window = connect_on_websocket(client);
  ASSERT_GT(window.count(), 0);
  const double window_ms = static_cast<double>(window.count());

  proxy->stall(true);
  const auto stalled_at = ChaosClock::now();
  ASSERT_TRUE(run_until(loop, [&] { return !log.disconnects.empty(); }, 10s)) << "the stall was never noticed";
  const double detect_ms = ms_between(stalled_at, ChaosClock::now());
  proxy->stall(false);
  ASSERT_TRUE(wait_connected(s));
  const double back_ms = ms_between(stalled_at, ChaosClock::now());
  EXPECT_TRUE(echo(loop, s, json::array({"after the stall", 1})));
  chaos_line("sio-stall", "detect_ms=" + std::to_string(static_cast<long>(detect_ms)) + " window_ms=" +
                              std::to_string(static_cast<long>(window_ms)) + " reconnected_ms=" +
                              std::to_string(static_cast<long>(back_ms)) + " reason=\"" + log.disconnects[0] + "\"");

  EXPECT_EQ(log.disconnects[0], "ping timeout");
  // The last ping came at most one window before the stall; the margin absorbs a
  // loaded machine (this bounds a hang, it does not measure speed).
  EXPECT_LE(detect_ms, window_ms + 1500) << "noticed later than pingInterval + pingTimeout";
  EXPECT_EQ(log.connects, 2);
  EXPECT_EQ(log.disconnects.size(), 1u);
}

// (4) The server dies and comes back, three times: every reconnection delay stays in
// the configured backoff bounds (reconnection_delay * 2^(n-1), capped at
// reconnection_delay_max, +/- randomization_factor), and the app sees exactly one
// disconnect and one connect per cycle.
TEST_F(SioChaos, ServerRestartsReconnectWithinTheBackoffBounds) {
  constexpr int kCycles = 3;
  constexpr double kDelay = 100, kMax = 400, kRandomization = 0.5;
  sio::ManagerOptions o = options();
  o.reconnection_delay = Duration(static_cast<long>(kDelay));
  o.reconnection_delay_max = Duration(static_cast<long>(kMax));
  o.randomization_factor = kRandomization;
  SioClient client(loop, url(), o);
  auto& [io, s, log] = client;

  // Each attempt's delay: from the failure that scheduled it (the Manager's close,
  // or the previous attempt's reconnect_error) to reconnect_attempt.
  // The test blocks the loop while it starts the server again: a delay that spans
  // that is longer by the block, so only its lower bound says anything.
  struct Delay {
    std::uint32_t attempt;
    double ms;
    bool spans_block;
  };
  std::vector<Delay> delays;
  int reconnect_errors = 0, reconnects = 0;
  ChaosClock::time_point failed_at{}, unblocked_at{};
  std::vector<Subscription> subs;
  subs.push_back(io.on_close.on([&](const std::string&) { failed_at = ChaosClock::now(); }));
  subs.push_back(io.on_reconnect_error.on([&](std::error_code, const std::string&) {
    ++reconnect_errors;
    failed_at = ChaosClock::now();
  }));
  subs.push_back(io.on_reconnect_attempt.on([&](std::uint32_t n) {
    delays.push_back({n, ms_between(failed_at, ChaosClock::now()), failed_at < unblocked_at});
  }));
  subs.push_back(io.on_reconnect.on([&](std::uint32_t) { ++reconnects; }));

  ASSERT_TRUE(wait_connected(s));
  const std::uint16_t port = server->port();
  for (int cycle = 1; cycle <= kCycles; ++cycle) {
    server->kill_now();
    ASSERT_TRUE(run_until(loop, [&] { return static_cast<int>(log.disconnects.size()) == cycle; }));
    // Three attempts fail against the dead server (the third reaches the cap), then it is back.
    const int errors_before = reconnect_errors;
    ASSERT_TRUE(run_until(loop, [&] { return reconnect_errors >= errors_before + 3; }));
    server = std::make_unique<ServerProcess>("chaos-sio-server.mjs", std::vector<std::string>{"--port", std::to_string(port)});
    unblocked_at = ChaosClock::now();
    ASSERT_TRUE(server->ok()) << "could not restart the server on port " << port;
    ASSERT_TRUE(wait_connected(s)) << "cycle " << cycle;
    EXPECT_TRUE(echo(loop, s, json::array({"cycle", cycle})));
  }
  loop.run_once(300ms);  // anything late would show up now

  int out_of_bounds = 0;
  std::string all;
  for (const Delay& d : delays) {
    const double base = std::min(kMax, kDelay * std::pow(2.0, d.attempt - 1));
    const double low = std::floor(base - std::floor(base * kRandomization));
    const double high = std::min(kMax, base + base * kRandomization);
    // A timer never fires early; the slack above absorbs a loaded machine, and is
    // still well short of what a missing cap or growth would add.
    const bool in_bounds = d.ms >= low - 1 && (d.spans_block || d.ms <= high + 250);
    if (!in_bounds) ++out_of_bounds;
    EXPECT_TRUE(in_bounds) << "attempt " << d.attempt << " waited " << d.ms << " ms, bounds [" << low << ", " << high
                           << "]";
    all += (all.empty() ? "" : ",") + std::to_string(d.attempt) + ":" + std::to_string(static_cast<long>(d.ms)) +
           (d.spans_block ? "*" : "");
  }
  chaos_line("sio-restart", "cycles=" + std::to_string(kCycles) + " attempts=" + std::to_string(delays.size()) +
                                " delays_ms=" + all + " out_of_bounds=" + std::to_string(out_of_bounds) +
                                " disconnects=" + std::to_string(log.disconnects.size()) + " connects=" +
                                std::to_string(log.connects) + " " + log.outages.summary());

  EXPECT_EQ(static_cast<int>(log.disconnects.size()), kCycles);
  EXPECT_EQ(log.connects, kCycles + 1);
  EXPECT_EQ(reconnects, kCycles);
  EXPECT_GE(static_cast<int>(delays.size()), 4 * kCycles) << "three failed attempts and a good one per cycle";
  bool reached_cap = false;
  for (const Delay& d : delays) reached_cap = reached_cap || d.attempt >= 3;
  EXPECT_TRUE(reached_cap);
}

// (5) The process is suspended longer than pingInterval + pingTimeout while the link
// dies silently, then resumes: the loop's clock jumps forward. The first emit after
// the jump notices the dead session itself (sleep detection on write), without
// waiting for a timer; and without any write, the overdue heartbeat notices on the
// next loop turn, not a whole window later.
TEST_F(SioChaos, AClockJumpIsNoticedOnTheNextWriteAndByTheOverdueHeartbeat) {
  SioClient client(loop, url(), unhurried_options());
  auto& [io, s, log] = client;
  const Duration window = connect_on_websocket(client);
  ASSERT_GT(window.count(), 0);

  // On the next write.
  proxy->stall(true);
  loop.advance_clock(window + 1000ms);  // "slept" 1.5 s
  const auto resumed_at = ChaosClock::now();
  std::error_code ack_error;
  int acks = 0;
  const std::error_code emitted = s.emit("message-with-ack", json::array({"after sleep"}), [&](std::error_code ec, const sio::Args&) {
    ++acks;
    ack_error = ec;
  });
  // As socket.io-client: the emit waits in the send buffer for the next connection.
  EXPECT_FALSE(emitted) << "buffered, not refused";
  ASSERT_NE(io.engine(), nullptr);
  EXPECT_NE(io.engine()->ready_state(), eio::ReadyState::open) << "the write itself saw that the session expired";
  ASSERT_EQ(log.disconnects.size(), 0u) << "reported on a later turn";
  loop.run_once(0ms);  // one turn that does not wait: the write's own check already closed the session
  ASSERT_FALSE(log.disconnects.empty());
  const double write_notice_ms = ms_between(resumed_at, ChaosClock::now());
  EXPECT_EQ(log.disconnects[0], "ping timeout");
  EXPECT_EQ(acks, 0) << "a buffered packet's ack is not failed by the disconnect";
  proxy->stall(false);
  ASSERT_TRUE(wait_connected(s));
  ASSERT_TRUE(run_until(loop, [&] { return acks > 0; }));
  EXPECT_FALSE(ack_error) << "delivered on the new connection";
  ASSERT_TRUE(wait_websocket(io));

  // By the overdue heartbeat, with no write at all.
  proxy->stall(true);
  loop.advance_clock(window + 1000ms);
  const auto resumed_again = ChaosClock::now();
  // The overdue ping timer fires on the first turn and, being late, grants the input one
  // short read turn (a ping may be waiting): nothing came, so the verdict follows it.
  loop.run_once(0ms);
  EXPECT_EQ(log.disconnects.size(), 1u) << "the input gets its turn first";
  ASSERT_TRUE(run_until(loop, [&] { return log.disconnects.size() == 2u; }, 1000ms));
  const double timer_notice_ms = ms_between(resumed_again, ChaosClock::now());
  EXPECT_EQ(log.disconnects[1], "ping timeout");
  proxy->stall(false);
  ASSERT_TRUE(wait_connected(s));
  EXPECT_TRUE(echo(loop, s, json::array({"after the second sleep"})));
  chaos_line("sio-clock-jump", "jump_ms=" + std::to_string((window + 1000ms).count()) + " window_ms=" +
                                   std::to_string(window.count()) + " write_notice_ms=" +
                                   std::to_string(static_cast<long>(write_notice_ms)) + " timer_notice_ms=" +
                                   std::to_string(static_cast<long>(timer_notice_ms)) + " acks=" +
                                   std::to_string(acks));

  EXPECT_EQ(acks, 1) << "the failed emit's ack ends exactly once";
  EXPECT_EQ(log.connects, 3);
}

}  // namespace
}  // namespace twinsock::testing
