// eio::Socket against the Node `engine.io` 6 server (tests/servers/eio-server.mjs:
// pingInterval 300, pingTimeout 200, echoes every message).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_until.hpp"
#include "server_process.hpp"
#include "twinsock/eio/cookie_jar.hpp"
#include "twinsock/eio/socket.hpp"
#include "twinsock/error.hpp"

namespace twinsock::eio {
namespace {

using namespace std::chrono_literals;
using testing::run_until;
using testing::ServerProcess;

struct Recorder {
  std::vector<Message> messages;
  std::vector<std::string> errors;
  std::string close_reason;
  std::error_code close_ec;
  int opens = 0, closes = 0, pings = 0, upgrades = 0;
  std::vector<Subscription> subs;

  void attach(Socket& s) {
    subs.push_back(s.on_open.on([this](const HandshakeInfo&) { ++opens; }));
    subs.push_back(s.on_message.on([this](const Message& m) { messages.push_back(m); }));
    subs.push_back(s.on_ping.on([this] { ++pings; }));
    subs.push_back(s.on_upgrade.on([this](const std::string&) { ++upgrades; }));
    subs.push_back(s.on_error.on([this](std::error_code ec, const std::string& detail) {
      errors.push_back(std::string(error_id(ec)) + " " + detail);
    }));
    subs.push_back(s.on_close.on([this](const std::string& reason, std::error_code ec) {
      close_reason = reason;
      close_ec = ec;
      ++closes;
    }));
  }
};

class EioIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    Socket::forget_prior_upgrade();
    ASSERT_TRUE(server->ok());
  }

  std::unique_ptr<Socket> connect(SocketOptions o) {
    auto s = std::make_unique<Socket>(loop, server->url("http", "/"), std::move(o));
    rec.attach(*s);
    s->open();
    return s;
  }

  SocketOptions only(std::string transport) {
    SocketOptions o;
    o.transports = {std::move(transport)};
    return o;
  }

  // Sends text and waits for its echo.
  bool echo(Socket& s, const std::string& text) {
    const std::size_t before = rec.messages.size();
    if (s.send({false, text})) return false;
    return run_until(loop, [&] { return rec.messages.size() > before; }) && rec.messages.back().data == text;
  }

  std::unique_ptr<ServerProcess> server = std::make_unique<ServerProcess>("eio-server.mjs");
  native::PollLoop loop;
  Recorder rec;
};

TEST_F(EioIntegration, PollingOnly) {
  auto s = connect(only("polling"));
  ASSERT_TRUE(run_until(loop, [&] { return rec.opens == 1; }));
  EXPECT_EQ(s->transport_name(), "polling");
  EXPECT_EQ(s->handshake().ping_interval, 300ms);
  EXPECT_EQ(s->handshake().ping_timeout, 200ms);
  EXPECT_TRUE(echo(*s, "hello"));
  EXPECT_TRUE(echo(*s, "h\xc3\xa9llo \xe2\x9c\x93"));  // UTF-8 goes through untouched
  s->close();
  ASSERT_TRUE(run_until(loop, [&] { return rec.closes == 1; }));
  EXPECT_EQ(rec.close_reason, "forced close");
  EXPECT_TRUE(rec.errors.empty()) << rec.errors[0];
}

TEST_F(EioIntegration, PollingBatchesManyWritesInOrder) {
  auto s = connect(only("polling"));
  ASSERT_TRUE(run_until(loop, [&] { return rec.opens == 1; }));
  for (int i = 0; i < 200; ++i) ASSERT_FALSE(s->send({false, "m" + std::to_string(i)}));
  ASSERT_TRUE(run_until(loop, [&] { return rec.messages.size() == 200 || rec.closes > 0; }));
  for (int i = 0; i < 200; ++i) EXPECT_EQ(rec.messages[static_cast<std::size_t>(i)].data, "m" + std::to_string(i));
  EXPECT_EQ(rec.closes, 0);
}

TEST_F(EioIntegration, WebSocketOnly) {
  auto s = connect(only("websocket"));
  ASSERT_TRUE(run_until(loop, [&] { return rec.opens == 1; }));
  EXPECT_EQ(s->transport_name(), "websocket");
  EXPECT_TRUE(echo(*s, "hello"));
  ASSERT_FALSE(s->send({false, "info"}));
  ASSERT_TRUE(run_until(loop, [&] { return rec.messages.size() == 2; }));
  EXPECT_NE(rec.messages.back().data.find("\"transport\":\"websocket\""), std::string::npos);
  s->close();
  ASSERT_TRUE(run_until(loop, [&] { return rec.closes == 1; }));
  EXPECT_EQ(rec.close_reason, "forced close");
}

TEST_F(EioIntegration, PollingThenUpgrade) {
  auto s = connect({});
  ASSERT_TRUE(run_until(loop, [&] { return rec.opens == 1; }));
  EXPECT_EQ(s->transport_name(), "polling");
  ASSERT_FALSE(s->send({false, "before"}));  // may travel on either transport
  ASSERT_TRUE(run_until(loop, [&] { return rec.upgrades == 1 || rec.closes > 0; }));
  EXPECT_EQ(s->transport_name(), "websocket");
  ASSERT_TRUE(run_until(loop, [&] { return !rec.messages.empty(); }));
  EXPECT_EQ(rec.messages[0].data, "before");
  rec.messages.clear();
  ASSERT_FALSE(s->send({false, "info"}));
  ASSERT_TRUE(run_until(loop, [&] { return !rec.messages.empty(); }));
  EXPECT_NE(rec.messages[0].data.find("\"transport\":\"websocket\""), std::string::npos) << rec.messages[0].data;
  EXPECT_TRUE(Socket::prior_upgrade());
  EXPECT_TRUE(rec.errors.empty());
}

TEST_F(EioIntegration, WritesDuringTheUpgradeKeepTheirOrder) {
  auto s = connect({});
  ASSERT_TRUE(run_until(loop, [&] { return rec.opens == 1; }));
  int sent = 0;
  // Keep writing until well after the switch.
  ASSERT_TRUE(run_until(loop, [&] {
    if (sent < 300) (void)s->send({false, std::to_string(sent++)});
    return rec.upgrades == 1 && sent >= 300;
  }));
  ASSERT_TRUE(run_until(loop, [&] { return rec.messages.size() == 300 || rec.closes > 0; }));
  for (int i = 0; i < 300; ++i) ASSERT_EQ(rec.messages[static_cast<std::size_t>(i)].data, std::to_string(i));
}

TEST_F(EioIntegration, BinaryBothWays) {
  std::string blob;
  for (int i = 0; i < 256; ++i) blob.push_back(static_cast<char>(i));
  for (const char* transport : {"polling", "websocket"}) {
    rec = Recorder{};
    auto s = connect(only(transport));
    ASSERT_TRUE(run_until(loop, [&] { return rec.opens == 1; }));
    ASSERT_FALSE(s->send({true, blob}));
    ASSERT_FALSE(s->send({false, "text after binary"}));
    ASSERT_TRUE(run_until(loop, [&] { return rec.messages.size() == 2; })) << transport;
    EXPECT_TRUE(rec.messages[0].binary) << transport;
    EXPECT_EQ(rec.messages[0].data, blob) << transport;
    EXPECT_FALSE(rec.messages[1].binary);
    EXPECT_EQ(rec.messages[1].data, "text after binary");
  }
}

TEST_F(EioIntegration, PingPongKeepsTheSessionAlive) {
  for (const char* transport : {"polling", "websocket"}) {
    rec = Recorder{};
    auto s = connect(only(transport));
    ASSERT_TRUE(run_until(loop, [&] { return rec.opens == 1; }));
    // pingInterval 300 + pingTimeout 200: five intervals without answering would be fatal several times over.
    ASSERT_TRUE(run_until(loop, [&] { return rec.pings >= 5 || rec.closes > 0; })) << transport;
    EXPECT_EQ(rec.closes, 0) << transport << " " << rec.close_reason;
    EXPECT_TRUE(echo(*s, "still here")) << transport;
  }
}

TEST_F(EioIntegration, ServerSideClose) {
  for (const char* transport : {"polling", "websocket"}) {
    rec = Recorder{};
    auto s = connect(only(transport));
    ASSERT_TRUE(run_until(loop, [&] { return rec.opens == 1; }));
    ASSERT_FALSE(s->send({false, "close-me"}));
    ASSERT_TRUE(run_until(loop, [&] { return rec.closes == 1; })) << transport;
    EXPECT_EQ(rec.close_reason, "transport close") << transport;
  }
}

TEST_F(EioIntegration, ServerKilled) {
  for (const char* transport : {"polling", "websocket"}) {
    server = std::make_unique<ServerProcess>("eio-server.mjs");
    ASSERT_TRUE(server->ok());
    rec = Recorder{};
    auto s = connect(only(transport));
    ASSERT_TRUE(run_until(loop, [&] { return rec.opens == 1; }));
    server->kill_now();
    ASSERT_TRUE(run_until(loop, [&] { return rec.closes == 1; })) << transport;
    EXPECT_TRUE(rec.close_reason == "transport close" || rec.close_reason == "transport error" ||
                rec.close_reason == "ping timeout")
        << transport << " " << rec.close_reason;
    EXPECT_NE(rec.close_reason, "ping timeout") << transport << ": the loss should be seen before the heartbeat";
  }
}

TEST_F(EioIntegration, StickyCookiesGoBackOnEveryRequestAndTheUpgrade) {
  server = std::make_unique<ServerProcess>("eio-server.mjs", std::vector<std::string>{"--sticky"});
  ASSERT_TRUE(server->ok());
  SocketOptions o;
  auto jar = std::make_shared<CookieJar>();
  o.cookie_jar = jar;
  auto s = connect(std::move(o));
  ASSERT_TRUE(run_until(loop, [&] { return rec.upgrades == 1 || rec.closes > 0; }));
  EXPECT_EQ(jar->header_for("127.0.0.1", "/engine.io/", false), "io=" + s->id() + "; lb=node7");
  ASSERT_FALSE(s->send({false, "cookies"}));
  ASSERT_TRUE(run_until(loop, [&] { return !rec.messages.empty(); }));
  const auto log = nlohmann::json::parse(rec.messages[0].data, nullptr, false);
  ASSERT_TRUE(log.is_array()) << rec.messages[0].data;
  int polling = 0, websocket = 0;
  for (const auto& entry : log) {
    ASSERT_TRUE(entry["cookie"].is_string()) << entry.dump();
    const std::string cookie = entry["cookie"].get<std::string>();
    EXPECT_NE(cookie.find("lb=node7"), std::string::npos) << entry.dump();
    EXPECT_NE(cookie.find("io=" + s->id()), std::string::npos) << entry.dump();
    (entry["transport"] == "websocket" ? websocket : polling)++;
  }
  EXPECT_GE(polling, 1);
  EXPECT_EQ(websocket, 1);
}

}  // namespace
}  // namespace twinsock::eio
