// ws::Client against the real `ws` 8 server (tests/servers/ws-server.mjs).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_until.hpp"
#include "server_process.hpp"
#include "twinsock/error.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::ws {
namespace {

using std::chrono::milliseconds;
using testing::run_until;
using testing::ServerProcess;

struct Events {
  std::vector<Message> messages;
  std::vector<CloseInfo> closes;
  std::vector<std::string> errors;
  std::vector<std::pair<std::uint32_t, Duration>> reconnects;
  int opens = 0;
  std::vector<Subscription> subs;
  void attach(Client& c) {
    subs.push_back(c.on_open.on([this] { ++opens; }));
    subs.push_back(c.on_message.on([this](const Message& m) { messages.push_back(m); }));
    subs.push_back(c.on_close.on([this](const CloseInfo& i) { closes.push_back(i); }));
    subs.push_back(c.on_error.on([this](std::error_code ec, const std::string&) { errors.emplace_back(error_id(ec)); }));
    subs.push_back(c.on_reconnecting.on([this](std::uint32_t a, Duration d) { reconnects.emplace_back(a, d); }));
  }
};

class WsIntegration : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server.ok()) << "could not start tests/servers/ws-server.mjs"; }
  ServerProcess server{"ws-server.mjs"};
  native::PollLoop loop;
};

TEST_F(WsIntegration, EchoesTextAndBinary) {
  Client client(loop, server.url("ws", "/echo"));
  Events ev;
  ev.attach(client);
  ASSERT_FALSE(client.send("héllo ☃"));  // queued until open
  const std::string binary("\x00\x01\xff\x80", 4);
  ASSERT_FALSE(client.send_binary(as_bytes(binary)));
  ASSERT_TRUE(run_until(loop, [&] { return ev.messages.size() == 2; }));
  EXPECT_EQ(ev.messages[0].data, "héllo ☃");
  EXPECT_FALSE(ev.messages[0].is_binary());
  EXPECT_EQ(ev.messages[1].data, binary);
  EXPECT_TRUE(ev.messages[1].is_binary());
  EXPECT_EQ(client.ready_state(), ReadyState::open);
}

TEST_F(WsIntegration, AnHttpUrlMeansWs) {
  // As in browsers (WHATWG WebSocket) and ws 8.
  Client client(loop, server.url("http", "/echo"));
  Events ev;
  ev.attach(client);
  ASSERT_FALSE(client.send("over http://"));
  ASSERT_TRUE(run_until(loop, [&] { return ev.messages.size() == 1; }));
  EXPECT_EQ(ev.messages[0].data, "over http://");
}

TEST_F(WsIntegration, SixteenMebibyteMessagesBothWays) {
  ClientOptions o;
  o.max_frame_size = 1 << 20;  // the server reassembles 16 fragments
  Client client(loop, server.url("ws", "/echo"), o);
  Events ev;
  ev.attach(client);
  std::string big(16 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 + 7);
  ASSERT_FALSE(client.send_binary(as_bytes(big)));
  ASSERT_TRUE(run_until(loop, [&] { return !ev.messages.empty(); }, std::chrono::seconds(60)));
  EXPECT_EQ(ev.messages[0].data.size(), big.size());
  EXPECT_TRUE(ev.messages[0].data == big);
}

TEST_F(WsIntegration, MessageOverTheLimitClosesWith1009) {
  ClientOptions o;
  o.max_message_size = 1000;
  o.reconnect.enabled = false;
  Client client(loop, server.url("ws", "/big/1001"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return !ev.closes.empty(); }));
  ASSERT_EQ(ev.errors.size(), 1u);
  EXPECT_EQ(ev.errors[0], "TWINSOCK_ERR_WS_MESSAGE_TOO_BIG");
  EXPECT_TRUE(ev.messages.empty());
}

TEST_F(WsIntegration, AMessageFarOverTheLimitStillReachesTheServerAs1009) {
  // The rest of a 4 MB message is still arriving when the client gives up: closing the socket
  // with it unread would reset the connection and lose the close frame (the server saw 1006).
  ClientOptions o;
  o.max_message_size = 1 << 20;
  o.reconnect.enabled = false;
  Client client(loop, server.url("ws", "/big/4000000?tag=far-over"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return !ev.closes.empty(); }));
  EXPECT_EQ(ev.errors, (std::vector<std::string>{"TWINSOCK_ERR_WS_MESSAGE_TOO_BIG"}));
  Client probe(loop, server.url("ws", "/closes?tag=far-over"), o);
  Events seen;
  seen.attach(probe);
  ASSERT_TRUE(run_until(loop, [&] { return !seen.messages.empty(); }));
  EXPECT_EQ(seen.messages[0].data, "[1009]");
}

TEST_F(WsIntegration, AnswersServerPings) {
  Client client(loop, server.url("ws", "/ping"));
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return !ev.messages.empty(); }));
  EXPECT_EQ(ev.messages[0].data, "pong:hello");
}

TEST_F(WsIntegration, HeartbeatPingsGetPongsAndTheConnectionStays) {
  ClientOptions o;
  o.heartbeat_interval = milliseconds(50);
  o.heartbeat_timeout = milliseconds(2000);
  Client client(loop, server.url("ws", "/echo"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.opens == 1; }));
  run_until(loop, [] { return false; }, milliseconds(400));  // several heartbeat rounds
  EXPECT_TRUE(ev.closes.empty());
  EXPECT_TRUE(ev.errors.empty());
}

TEST_F(WsIntegration, ServerCloseCodeAndReasonArrive) {
  ClientOptions o;
  o.reconnect.enabled = false;
  Client client(loop, server.url("ws", "/close/4001"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return !ev.closes.empty(); }));
  EXPECT_EQ(ev.closes[0].code, 4001);
  EXPECT_EQ(ev.closes[0].reason, "bye");
  EXPECT_TRUE(ev.closes[0].was_clean);
  EXPECT_TRUE(ev.errors.empty());
}

TEST_F(WsIntegration, ClientCloseCodeAndReasonReachTheServer) {
  Client client(loop, server.url("ws", "/echo"));
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.opens == 1; }));
  client.close(4321, "client done");
  ASSERT_TRUE(run_until(loop, [&] { return !ev.closes.empty(); }));
  // The server echoes the close code back (RFC 6455 §5.5.1), so the close is clean with our code.
  EXPECT_EQ(ev.closes[0].code, 4321);
  EXPECT_TRUE(ev.closes[0].was_clean);
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
}

TEST_F(WsIntegration, SubprotocolIsNegotiated) {
  ClientOptions o;
  o.subprotocols = {"chat.v2", "chat.v1"};
  Client client(loop, server.url("ws", "/subprotocol"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.opens == 1; }));
  EXPECT_EQ(client.protocol(), "chat.v2");
}

TEST_F(WsIntegration, ExtraHeadersAreSent) {
  ClientOptions o;
  o.headers = {{"X-Token", "abc"}, {"Origin", "http://game.test"}};
  Client client(loop, server.url("ws", "/headers"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return !ev.messages.empty(); }));
  EXPECT_NE(ev.messages[0].data.find("\"x-token\":\"abc\""), std::string::npos) << ev.messages[0].data;
  EXPECT_NE(ev.messages[0].data.find("\"origin\":\"http://game.test\""), std::string::npos);
}

TEST_F(WsIntegration, PerMessageDeflateRoundTrip) {
  ClientOptions o;
  o.per_message_deflate = true;
  Client client(loop, server.url("ws", "/deflate"), o);
  Events ev;
  ev.attach(client);
  const std::string text(5000, 'z');
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(client.send(text + std::to_string(i)));  // context carries over
  ASSERT_TRUE(run_until(loop, [&] { return ev.messages.size() == 3; }));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ev.messages[i].data, text + std::to_string(i));
}

TEST_F(WsIntegration, RefusedUpgradeIsAHandshakeError) {
  ClientOptions o;
  o.reconnect.enabled = false;
  Client client(loop, server.url("ws", "/reject"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return !ev.closes.empty(); }));
  ASSERT_EQ(ev.errors.size(), 1u);
  EXPECT_EQ(ev.errors[0], "TWINSOCK_ERR_WS_HANDSHAKE_BAD_STATUS");
  EXPECT_EQ(ev.closes[0].code, 1006);
}

TEST_F(WsIntegration, ReconnectsWithBackoffAfterTheServerDies) {
  ClientOptions o;
  o.reconnect.min_delay = milliseconds(100);
  o.reconnect.grow_factor = 2;
  o.reconnect.jitter = 0;
  Client client(loop, server.url("ws", "/echo"), o);
  Events ev;
  ev.attach(client);
  ASSERT_TRUE(run_until(loop, [&] { return ev.opens == 1; }));
  const std::uint16_t port = server.port();
  server.kill_now();
  // Attempts against the dead port fail at once; each waits the backoff delay first.
  ASSERT_TRUE(run_until(loop, [&] { return ev.reconnects.size() >= 3; }));
  EXPECT_EQ(ev.reconnects[0].second, milliseconds(100));
  EXPECT_EQ(ev.reconnects[1].second, milliseconds(200));
  EXPECT_EQ(ev.reconnects[2].second, milliseconds(400));
  // The server comes back on the same port: the client reconnects and works again.
  ServerProcess again("ws-server.mjs", {"--port", std::to_string(port)});
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(run_until(loop, [&] { return ev.opens == 2; }));
  ASSERT_FALSE(client.send("back"));
  ASSERT_TRUE(run_until(loop, [&] { return !ev.messages.empty(); }));
  EXPECT_EQ(ev.messages.back().data, "back");
}

TEST_F(WsIntegration, ReconnectDelaysAreWaitedInRealTime) {
  // Measured from the close to the next open: at least the delay (never early).
  ClientOptions o;
  o.reconnect.min_delay = milliseconds(300);
  o.reconnect.jitter = 0;
  Client client(loop, server.url("ws", "/close/1012"), o);
  Events ev;
  ev.attach(client);
  std::vector<TimePoint> opens, closes;
  auto a = client.on_open.on([&] { opens.push_back(Clock::now()); });
  auto b = client.on_close.on([&](const CloseInfo&) { closes.push_back(Clock::now()); });
  ASSERT_TRUE(run_until(loop, [&] { return opens.size() == 2; }));
  EXPECT_GE(opens[1] - closes[0], milliseconds(300));
}

TEST_F(WsIntegration, ClientMayBeDestroyedFromItsMessageCallback) {
  auto client = std::make_unique<Client>(loop, server.url("ws", "/count"));
  int seen = 0;
  auto sub = client->on_message.on([&](const Message&) {
    ++seen;
    client.reset();
  });
  ASSERT_TRUE(run_until(loop, [&] { return client == nullptr; }));
  run_until(loop, [] { return false; }, milliseconds(200));
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace twinsock::ws
