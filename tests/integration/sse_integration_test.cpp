// sse::Client against the Node SSE server (tests/servers/sse-server.mjs).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_until.hpp"
#include "server_process.hpp"
#include "twinsock/error.hpp"
#include "twinsock/sse/client.hpp"

namespace twinsock::sse {
namespace {

using std::chrono::milliseconds;
using testing::run_until;
using testing::ServerProcess;

struct Events {
  std::vector<MessageEvent> messages;
  std::vector<std::string> errors;
  std::vector<int> statuses;
  int opens = 0, closes = 0, reconnects = 0;
  std::vector<Subscription> subs;
  void attach(Client& c) {
    subs.push_back(c.on_open.on([this] { ++opens; }));
    subs.push_back(c.on_message.on([this](const MessageEvent& m) { messages.push_back(m); }));
    subs.push_back(c.on_error.on([this](std::error_code ec, const std::string&, int status) {
      errors.emplace_back(error_id(ec));
      statuses.push_back(status);
    }));
    subs.push_back(c.on_reconnecting.on([this](std::uint32_t, Duration) { ++reconnects; }));
    subs.push_back(c.on_close.on([this] { ++closes; }));
  }
};

class SseIntegration : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server.ok()); }
  ServerProcess server{"sse-server.mjs"};
  native::PollLoop loop;
};

TEST_F(SseIntegration, NamedMultiLineAndDefaultEvents) {
  ClientOptions o;
  o.reconnect.enabled = false;
  Client client(loop, server.url("http", "/named"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.closes == 1; }));
  ASSERT_EQ(ev.messages.size(), 2u);
  EXPECT_EQ(ev.messages[0].type, "tick");
  EXPECT_EQ(ev.messages[0].data, "a\nb");
  EXPECT_EQ(ev.messages[0].last_event_id, "3");
  EXPECT_EQ(ev.messages[1].type, "message");
  EXPECT_EQ(ev.messages[1].last_event_id, "3");  // the id stays in force
  EXPECT_EQ(client.reconnection_time(), milliseconds(100));
  EXPECT_TRUE(ev.errors.empty());
}

TEST_F(SseIntegration, ResumesAfterDropsWithoutLossOrDuplicates) {
  Client client(loop, server.url("http", "/drop?n=7"));
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.messages.size() >= 7; }));
  for (int i = 0; i < 7; ++i) EXPECT_EQ(ev.messages[i].data, "event " + std::to_string(i + 1));
  EXPECT_GE(ev.reconnects, 3);  // the server drops every two events
  for (const auto& m : ev.messages) EXPECT_NE(m.data, "never dispatched");
  EXPECT_EQ(client.last_event_id(), "7");
}

TEST_F(SseIntegration, ServerSeesLastEventIdOnReconnect) {
  ClientOptions o;
  o.last_event_id = "5";
  Client client(loop, server.url("http", "/echo"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return !ev.messages.empty(); }));
  EXPECT_NE(ev.messages[0].data.find("\"lastEventId\":\"5\""), std::string::npos) << ev.messages[0].data;
  EXPECT_NE(ev.messages[0].data.find("\"method\":\"GET\""), std::string::npos);
  // What EventSource sends, so that no cache on the way answers for the server.
  EXPECT_NE(ev.messages[0].data.find(R"("accept":"text/event-stream")"), std::string::npos) << ev.messages[0].data;
  EXPECT_NE(ev.messages[0].data.find(R"("cacheControl":"no-cache")"), std::string::npos) << ev.messages[0].data;
}

TEST_F(SseIntegration, PostWithBodyAndHeaders) {
  ClientOptions o;
  o.method = "POST";
  o.body = R"({"prompt":"hi"})";
  o.headers = {{"Authorization", "Bearer t0k"}};
  Client client(loop, server.url("http", "/echo"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return !ev.messages.empty(); }));
  EXPECT_NE(ev.messages[0].data.find(R"("method":"POST")"), std::string::npos);
  EXPECT_NE(ev.messages[0].data.find(R"("body":"{\"prompt\":\"hi\"}")"), std::string::npos) << ev.messages[0].data;
  EXPECT_NE(ev.messages[0].data.find(R"("auth":"Bearer t0k")"), std::string::npos);
}

TEST_F(SseIntegration, NoContentStops) {
  Client client(loop, server.url("http", "/status/204"));
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.closes == 1; }));
  EXPECT_TRUE(ev.errors.empty());
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
}

TEST_F(SseIntegration, NotFoundFailsWithTheStatus) {
  Client client(loop, server.url("http", "/status/404"));
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.closes == 1; }));
  ASSERT_EQ(ev.errors.size(), 1u);
  EXPECT_EQ(ev.errors[0], "TWINSOCK_ERR_HTTP_STATUS");
  EXPECT_EQ(ev.statuses[0], 404);
}

TEST_F(SseIntegration, ServiceUnavailableIsRetried) {
  ClientOptions o;
  o.reconnect.min_delay = milliseconds(50);
  Client client(loop, server.url("http", "/status/503"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.reconnects >= 2; }));
  EXPECT_EQ(ev.closes, 0);
  EXPECT_EQ(ev.statuses[0], 503);
}

TEST_F(SseIntegration, WrongContentTypeFails) {
  Client client(loop, server.url("http", "/html"));
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.closes == 1; }));
  EXPECT_EQ(ev.errors, (std::vector<std::string>{"TWINSOCK_ERR_SSE_BAD_CONTENT_TYPE"}));
}

TEST_F(SseIntegration, RedirectIsFollowed) {
  ClientOptions o;
  o.reconnect.enabled = false;
  Client client(loop, server.url("http", "/redirect"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.closes == 1; }));
  ASSERT_EQ(ev.messages.size(), 2u);
  EXPECT_EQ(ev.messages[1].data, "event 2");
}

TEST_F(SseIntegration, IdleTimeoutReconnects) {
  ClientOptions o;
  o.idle_timeout = milliseconds(200);
  o.reconnect.min_delay = milliseconds(50);
  Client client(loop, server.url("http", "/silent"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.opens >= 2; }));
  EXPECT_EQ(ev.errors[0], "TWINSOCK_ERR_IDLE_TIMEOUT");
}

TEST_F(SseIntegration, RefusedConnectionBacksOff) {
  const std::uint16_t port = server.port();
  server.kill_now();
  ClientOptions o;
  o.reconnect.min_delay = milliseconds(20);
  o.reconnect.max_retries = 3;
  Client client(loop, "http://127.0.0.1:" + std::to_string(port) + "/events", o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.closes == 1; }));
  EXPECT_EQ(ev.reconnects, 3);
  EXPECT_EQ(ev.errors.front(), "TWINSOCK_ERR_CONNECT_REFUSED");
  EXPECT_EQ(ev.errors.back(), "TWINSOCK_ERR_RECONNECT_FAILED");
}

}  // namespace
}  // namespace twinsock::sse
