// ws::Client's offline queue across cuts: the proxy ends the link (FIN or RST)
// between rounds; what the app sends while the client reconnects is queued and
// reaches the echo server (tests/servers/ws-server.mjs /echo) after the
// reconnection, all of it, in order, once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chaos_proxy.hpp"
#include "chaos_support.hpp"
#include "run_until.hpp"
#include "server_process.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::testing {
namespace {

using namespace std::chrono_literals;

TEST(WsChaos, MessagesSentDuringCutsAreDeliveredAfterReconnectionInOrder) {
  constexpr int kRounds = 10, kPerPhase = 25;
  ServerProcess server("ws-server.mjs");
  ASSERT_TRUE(server.ok()) << "could not start tests/servers/ws-server.mjs";
  ChaosProxy proxy(server.port());
  ASSERT_TRUE(proxy.ok());
  native::PollLoop loop;
  ws::ClientOptions o;
  o.reconnect.min_delay = 50ms;  // > 0: the test queues its messages before the next attempt
  o.reconnect.max_delay = 200ms;
  ws::Client client(loop, proxy.url("ws", "/echo"), o);
  std::vector<std::string> sent, echoed;
  Outages outages;
  std::vector<Subscription> subs;
  subs.push_back(client.on_open.on([&] { outages.up(); }));
  subs.push_back(client.on_close.on([&](const ws::CloseInfo&) { outages.down(); }));
  subs.push_back(client.on_message.on([&](const ws::Message& m) { echoed.push_back(m.data); }));
  auto send = [&](int round, int i) {
    sent.push_back("r" + std::to_string(round) + "-m" + std::to_string(i));
    return client.send(sent.back());
  };
  auto all_echoed = [&] { return echoed.size() >= sent.size(); };

  std::size_t queued_during_cuts = 0;
  for (int round = 0; round < kRounds; ++round) {
    ASSERT_TRUE(run_until(loop, [&] { return client.ready_state() == ws::ReadyState::open; })) << "round " << round;
    for (int i = 0; i < kPerPhase; ++i) ASSERT_FALSE(send(round, i));
    ASSERT_TRUE(run_until(loop, all_echoed)) << "round " << round;
    // Nothing in flight now: end the link and send while the client is down.
    if (round % 2 == 0) proxy.cut();
    else proxy.reset();
    ASSERT_TRUE(run_until(loop, [&] { return client.ready_state() != ws::ReadyState::open; })) << "round " << round;
    for (int i = kPerPhase; i < 2 * kPerPhase; ++i) ASSERT_FALSE(send(round, i));
    EXPECT_EQ(client.queued_messages(), static_cast<std::size_t>(kPerPhase)) << "round " << round;
    queued_during_cuts += client.queued_messages();
    ASSERT_TRUE(run_until(loop, all_echoed)) << "round " << round << ": " << echoed.size() << " of " << sent.size();
  }
  loop.run_once(100ms);  // a late duplicate would arrive now
  const ProxyStats stats = proxy.stats();

  int in_place = 0;
  for (std::size_t i = 0; i < std::min(sent.size(), echoed.size()); ++i) in_place += sent[i] == echoed[i];
  chaos_line("ws-queue", "sent=" + std::to_string(sent.size()) + " delivered=" + std::to_string(echoed.size()) +
                             " in_order=" + std::to_string(in_place) + " queued_during_cuts=" +
                             std::to_string(queued_during_cuts) + " cuts=" + std::to_string(stats.cuts) + " " +
                             outages.summary());
  EXPECT_EQ(echoed, sent) << "every message once, in order";
  EXPECT_EQ(outages.downs(), kRounds);
  EXPECT_EQ(outages.ups(), kRounds + 1);
  EXPECT_EQ(stats.cuts, static_cast<std::uint64_t>(kRounds));
}

}  // namespace
}  // namespace twinsock::testing
