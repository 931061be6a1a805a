// sse::Client resuming with Last-Event-ID: the proxy cuts every connection of
// tests/servers/sse-server.mjs /stream a few hundred bytes in (so in the middle of
// an event); the app sees every event exactly once, in order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chaos_proxy.hpp"
#include "chaos_support.hpp"
#include "run_until.hpp"
#include "server_process.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sse/client.hpp"

namespace twinsock::testing {
namespace {

using namespace std::chrono_literals;

TEST(SseChaos, LastEventIdResumesEveryCutStreamWithoutLossOrDuplicates) {
  constexpr int kEvents = 300;
  ServerProcess server("sse-server.mjs");
  ASSERT_TRUE(server.ok()) << "could not start tests/servers/sse-server.mjs";
  ChaosProxy proxy(server.port());
  ASSERT_TRUE(proxy.ok());
  // ~150 bytes of response head, then about ten events, the last one cut short.
  proxy.cut_after_bytes(420, "down");
  native::PollLoop loop;
  sse::Client client(loop, proxy.url("http", "/stream?n=" + std::to_string(kEvents) + "&every=2"));
  std::vector<sse::MessageEvent> events;
  Outages outages;
  std::vector<Subscription> subs;
  subs.push_back(client.on_open.on([&] { outages.up(); }));
  subs.push_back(client.on_error.on([&](std::error_code, const std::string&, int) { outages.down(); }));
  subs.push_back(client.on_message.on([&](const sse::MessageEvent& e) { events.push_back(e); }));
  const bool all = run_until(loop, [&] { return events.size() >= static_cast<std::size_t>(kEvents); }, 30s);
  client.close();
  const ProxyStats stats = proxy.stats();
  ASSERT_TRUE(all) << events.size() << " of " << kEvents;

  int in_order = 0, bad = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string id = std::to_string(i + 1);
    if (events[i].last_event_id == id && events[i].data == "event " + id) ++in_order;
    else ++bad;
  }
  chaos_line("sse-resume", "events=" + std::to_string(kEvents) + " delivered=" + std::to_string(events.size()) +
                               " in_order=" + std::to_string(in_order) + " bad=" + std::to_string(bad) +
                               " connections=" + std::to_string(outages.ups()) + " cuts=" + std::to_string(stats.cuts) +
                               " " + outages.summary());
  EXPECT_EQ(static_cast<int>(events.size()), kEvents);
  EXPECT_EQ(in_order, kEvents) << "first wrong event: " << (bad ? events[in_order].last_event_id : "");
  EXPECT_GE(outages.ups(), 10) << "the proxy should have cut the stream many times";
  EXPECT_LE(static_cast<std::uint64_t>(outages.ups()), stats.cuts + 1) << "no reconnection without a cut";
}

}  // namespace
}  // namespace twinsock::testing
