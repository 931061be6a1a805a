// Delivery guarantees of sio::Socket while the proxy keeps cutting the link:
// at-least-once emits (`retries`) and connection state recovery.
#include <nlohmann/json.hpp>

#include "sio_chaos.hpp"

namespace twinsock::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// (1) 10,000 emits in the retries queue while the proxy cuts every connection every
// 300 ms: the server gets every id in order (a resend may repeat the id it got last,
// when the cut took its ack), and every ack comes back exactly once, in order.
TEST_F(SioChaos, RetriesDeliverEveryEmitInOrderWhileTheLinkIsCut) {
  constexpr int kEmits = 10'000;
  sio::ManagerOptions o = options();
  o.socket.retries = 100;
  o.socket.ack_timeout = 5000ms;  // only a lost ack without a disconnect would need it
  o.socket.max_buffered_packets = 2 * kEmits;  // all of them wait in the queue at first
  SioClient client(loop, url(), o);
  auto& [io, s, log] = client;
  ASSERT_TRUE(wait_connected(s));

  std::vector<int> acks(kEmits, 0);
  std::vector<int> ack_order;
  int ack_errors = 0, wrong_acks = 0;
  proxy->cut_every(300);
  const auto start = ChaosClock::now();
  for (int i = 0; i < kEmits; ++i) {
    ASSERT_FALSE(s.emit("seq", json::array({i}), [&, i](std::error_code ec, const sio::Args& args) {
      if (ec) return void(++ack_errors);
      if (args != json::array({i})) ++wrong_acks;
      ++acks[i];
      ack_order.push_back(i);
    }));
  }
  const bool all_acked = run_until(loop, [&] { return static_cast<int>(ack_order.size()) + ack_errors >= kEmits; }, 80s);
  const double elapsed_ms = ms_between(start, ChaosClock::now());
  proxy->cut_every(0);
  const ProxyStats stats = proxy->stats();
  ASSERT_TRUE(all_acked) << ack_order.size() << " of " << kEmits << " acked after " << elapsed_ms << " ms";

  // The server's log of every delivery, duplicates included.
  ASSERT_TRUE(wait_connected(s));
  json server_log;
  bool got_log = false;
  ASSERT_FALSE(s.emit("seq-log", json::array(), [&](std::error_code ec, const sio::Args& args) {
    got_log = !ec;
    if (!ec && args.size() == 1) server_log = args[0];
  }));
  ASSERT_TRUE(run_until(loop, [&] { return got_log; }));
  ASSERT_TRUE(server_log.is_array());

  int next = 0, duplicates = 0, out_of_order = 0;
  for (const json& id : server_log) {
    const int value = id.get<int>();
    if (value == next) ++next;
    else if (value == next - 1) ++duplicates;  // resent after its ack was cut off
    else ++out_of_order;
  }
  int acked_twice = 0;
  for (int n : acks) acked_twice += n > 1;
  chaos_line("sio-retries", "emits=" + std::to_string(kEmits) + " delivered=" + std::to_string(next) +
                                " duplicates=" + std::to_string(duplicates) + " out_of_order=" +
                                std::to_string(out_of_order) + " acks=" + std::to_string(ack_order.size()) +
                                " cuts=" + std::to_string(stats.cuts) + " " + log.outages.summary() +
                                " elapsed_ms=" + std::to_string(static_cast<long>(elapsed_ms)));

  EXPECT_EQ(next, kEmits) << "the server missed ids from " << next;
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(ack_errors, 0);
  EXPECT_EQ(wrong_acks, 0);
  EXPECT_EQ(acked_twice, 0);
  std::vector<int> in_order(kEmits);
  for (int i = 0; i < kEmits; ++i) in_order[i] = i;
  EXPECT_EQ(ack_order, in_order);
  EXPECT_GT(stats.cuts, 0u);
  EXPECT_GT(log.disconnects.size(), 0u) << "the proxy never cut the session: the scenario tested nothing";
  EXPECT_EQ(log.connects, static_cast<int>(log.disconnects.size()) + 1);
}

// (2) The server emits "tick" 0..N-1 to the socket every 5 ms, whether it is connected
// or not, while the proxy cuts the link every 250 ms: each reconnection restores the
// session and the app sees every tick exactly once, in order.
TEST_F(SioChaos, RecoveryDeliversEveryEventSentDuringCutsExactlyOnce) {
  constexpr int kTicks = 400;
  // WebSocket only: the server notices a cut WebSocket at once and keeps the session
  // for recovery; a cut poll is noticed only at its ping timeout, after the client
  // is back with a new session, and recovery cannot apply.
  SioClient client(loop, url(), options({"websocket"}));
  auto& [io, s, log] = client;
  std::vector<int> ticks;
  bool done = false;
  auto on_tick = s.on("tick", [&](const sio::Args& a, const sio::Reply&) { ticks.push_back(a.at(0).get<int>()); });
  auto on_done = s.on("ticks-done", [&](const sio::Args&, const sio::Reply&) { done = true; });
  ASSERT_TRUE(wait_connected(s));
  ASSERT_FALSE(s.emit("ticks", json::array({json{{"count", kTicks}, {"every", 5}}})));
  ASSERT_TRUE(run_until(loop, [&] { return !ticks.empty(); }));
  proxy->cut_every(250);
  const bool finished = run_until(loop, [&] { return done; }, 30s);
  proxy->cut_every(0);
  const ProxyStats stats = proxy->stats();
  ASSERT_TRUE(finished) << ticks.size() << " ticks, never ticks-done";

  std::vector<int> seen(kTicks, 0);
  int duplicates = 0, out_of_order = 0, foreign = 0;
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const int t = ticks[i];
    if (t < 0 || t >= kTicks) {
      ++foreign;
      continue;
    }
    if (seen[t]++ > 0) ++duplicates;
    if (i > 0 && t <= ticks[i - 1]) ++out_of_order;
  }
  const int delivered = static_cast<int>(std::count_if(seen.begin(), seen.end(), [](int n) { return n > 0; }));
  chaos_line("sio-recovery", "events=" + std::to_string(kTicks) + " delivered=" + std::to_string(delivered) +
                                 " duplicates=" + std::to_string(duplicates) + " out_of_order=" +
                                 std::to_string(out_of_order) + " cuts=" + std::to_string(stats.cuts) +
                                 " recovered=" + std::to_string(log.recovered) + " " + log.outages.summary());

  EXPECT_EQ(delivered, kTicks);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(foreign, 0);
  EXPECT_GT(log.disconnects.size(), 0u) << "the proxy never cut the session: the scenario tested nothing";
  EXPECT_EQ(log.recovered, log.connects - 1) << "every reconnection should restore the session";
}

}  // namespace
}  // namespace twinsock::testing
