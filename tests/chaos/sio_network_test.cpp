// A normal Socket.IO session over a bad network: every write split into single
// bytes, latency with jitter, and a proxy that breaks every WebSocket upgrade.
#include <nlohmann/json.hpp>

#include "sio_chaos.hpp"
#include "twinsock/error.hpp"

namespace twinsock::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Asks with an ack and waits for the answer.
std::optional<json> ask(native::PollLoop& loop, sio::Socket& s, const std::string& event, const json& args) {
  std::optional<json> answer;
  bool done = false;
  if (s.emit(event, args, [&](std::error_code ec, const sio::Args& a) {
        done = true;
        if (!ec) answer = a;
      }))
    return std::nullopt;
  if (!run_until(loop, [&] { return done; })) return std::nullopt;
  return answer;
}

json sample_args() {
  std::vector<std::uint8_t> blob(3000);
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<std::uint8_t>(i * 7);
  return json::array({"héllo wörld ✓", 42, 3.5, nullptr, json{{"nested", json::array({1, "two", json::binary(blob)})}},
                      std::string(2000, 'x')});
}

// What a session does: the handshake (polling, then the upgrade unless it fails),
// acks with text and binary both ways, and a burst of server events in order.
struct SessionResult {
  int burst_asked = 0;
  bool echoed = false;
  int burst = 0;
  bool burst_in_order = true;
  std::string transport;
};

SessionResult normal_session(native::PollLoop& loop, sio::Socket& s, int burst) {
  SessionResult r{.burst_asked = burst};
  const json args = sample_args();
  const std::optional<json> back = ask(loop, s, "message-with-ack", args);
  r.echoed = back && *back == args;
  std::vector<int> items;
  bool done = false;
  auto on_item = s.on("burst-item", [&](const sio::Args& a, const sio::Reply&) { items.push_back(a.at(0).get<int>()); });
  auto on_done = s.on("burst-done", [&](const sio::Args&, const sio::Reply&) { done = true; });
  if (!s.emit("burst", json::array({burst})) && run_until(loop, [&] { return done; })) {
    r.burst = static_cast<int>(items.size());
    for (int i = 0; i < r.burst; ++i) r.burst_in_order = r.burst_in_order && items[i] == i;
  }
  if (auto t = ask(loop, s, "transport", json::array()); t && t->size() == 1) r.transport = (*t)[0].get<std::string>();
  return r;
}

// Everything worked, on WebSocket, without a disconnect.
void expect_intact_websocket_session(const SessionResult& r, const SessionLog& log) {
  EXPECT_TRUE(r.echoed);
  EXPECT_EQ(r.burst, r.burst_asked);
  EXPECT_TRUE(r.burst_in_order);
  EXPECT_EQ(r.transport, "websocket");
  EXPECT_TRUE(log.disconnects.empty()) << log.disconnects.front();
}

TEST_F(SioChaos, ASessionWorksWhenEveryWriteIsSplitIntoSingleBytes) {
  // Every byte crosses the proxy as a write of its own: on a loaded machine a ping can take
  // longer than the fixture's 500 ms heartbeat window, so this session gets a roomier one.
  proxy.reset();
  server = std::make_unique<ServerProcess>("chaos-sio-server.mjs",
                                           std::vector<std::string>{"--ping-interval", "2000", "--ping-timeout", "3000"});
  ASSERT_TRUE(server->ok());
  proxy = std::make_unique<ChaosProxy>(server->port());
  ASSERT_TRUE(proxy->ok());
  proxy->split(true);
  const auto start = ChaosClock::now();
  SioClient client(loop, url(), options());
  auto& [io, s, log] = client;
  ASSERT_TRUE(wait_connected(s, 30s));
  ASSERT_TRUE(wait_websocket(io)) << "the upgrade should survive one-byte writes";
  const SessionResult r = normal_session(loop, s, 50);
  const ProxyStats stats = proxy->stats();
  chaos_line("sio-split", "echoed=" + std::to_string(r.echoed) + " burst=" + std::to_string(r.burst) +
                              " transport=" + r.transport + " bytes_up=" + std::to_string(stats.bytes_up) +
                              " bytes_down=" + std::to_string(stats.bytes_down) + " elapsed_ms=" +
                              std::to_string(static_cast<long>(ms_between(start, ChaosClock::now()))));
  expect_intact_websocket_session(r, log);
}

TEST_F(SioChaos, ASessionWorksWithLatencyAndJitter) {
  proxy->latency(40, 30);  // 10..70 ms each way, never reordered; the ping round trip stays < pingTimeout
  const auto start = ChaosClock::now();
  SioClient client(loop, url(), options());
  auto& [io, s, log] = client;
  int pings = 0;
  auto on_ping = io.on_ping.on([&] { ++pings; });
  ASSERT_TRUE(wait_connected(s));
  ASSERT_TRUE(wait_websocket(io));
  const auto connected_ms = ms_between(start, ChaosClock::now());
  const SessionResult r = normal_session(loop, s, 50);
  // Stay long enough for a few heartbeats over the slow link.
  ASSERT_TRUE(run_until(loop, [&] { return pings >= 4; }));
  chaos_line("sio-latency", "latency_ms=40 jitter_ms=30 echoed=" + std::to_string(r.echoed) + " burst=" +
                                std::to_string(r.burst) + " pings=" + std::to_string(pings) + " connect_ms=" +
                                std::to_string(static_cast<long>(connected_ms)) + " disconnects=" +
                                std::to_string(log.disconnects.size()));
  expect_intact_websocket_session(r, log);
}

// Every WebSocket upgrade request is cut halfway: the probe fails (a non-fatal error),
// the session stays on polling and works; once upgrades go through again, the next
// session upgrades.
TEST_F(SioChaos, AFailedUpgradeLeavesTheSessionOnPollingAndItRecovers) {
  proxy->fail_upgrade(true);
  SioClient client(loop, url(), options());
  auto& [io, s, log] = client;
  std::vector<std::string> errors, manager_errors;
  Subscription on_upgrade_error;
  auto on_open = io.on_open.on([&] {  // each session's engine: its probe
    on_upgrade_error = io.engine()->on_upgrade_error.on([&](std::error_code ec, const std::string& detail) {
      errors.push_back(std::string(error_id(ec)) + " " + detail);
    });
  });
  auto on_error = io.on_error.on([&](std::error_code ec, const std::string& detail) {
    manager_errors.push_back(std::string(error_id(ec)) + " " + detail);
  });
  ASSERT_TRUE(wait_connected(s));
  ASSERT_TRUE(run_until(loop, [&] { return !errors.empty(); })) << "the probe should fail";
  EXPECT_TRUE(manager_errors.empty()) << "a failed probe is no Manager error, as in socket.io-client: "
                                      << manager_errors.front();
  const SessionResult on_polling = normal_session(loop, s, 30);
  const int probe_errors = static_cast<int>(errors.size());

  proxy->fail_upgrade(false);
  // Cut while a long-poll GET is held (a cut between two requests only costs the
  // idle keep-alive connections: the polling session carries on over new ones).
  run_until(loop, [] { return false; }, 100ms);
  proxy->cut();
  ASSERT_TRUE(run_until(loop, [&] { return log.connects == 2; }))
      << log.disconnects.size() << " disconnects; last error: " << errors.back();
  ASSERT_TRUE(wait_websocket(io)) << "a new session should upgrade once the network lets it";
  const SessionResult after = normal_session(loop, s, 30);
  const ProxyStats stats = proxy->stats();
  chaos_line("sio-fail-upgrade", "probe_errors=" + std::to_string(probe_errors) + " first_transport=" +
                                     on_polling.transport + " echoed=" + std::to_string(on_polling.echoed) +
                                     " then_transport=" + after.transport + " cuts=" + std::to_string(stats.cuts) +
                                     " " + log.outages.summary());

  EXPECT_EQ(probe_errors, 1) << "one probe per session, and it is not retried";
  EXPECT_NE(errors.front().find("probe error"), std::string::npos) << errors.front();
  EXPECT_TRUE(on_polling.echoed);
  EXPECT_EQ(on_polling.burst, on_polling.burst_asked);
  EXPECT_TRUE(on_polling.burst_in_order);
  EXPECT_EQ(on_polling.transport, "polling");
  EXPECT_TRUE(after.echoed);
  EXPECT_EQ(after.transport, "websocket");
  ASSERT_EQ(log.disconnects.size(), 1u) << "only the cut ended a session";
}

}  // namespace
}  // namespace twinsock::testing
