// eio::Socket: the polling -> websocket upgrade and the v4 heartbeat.
#include "eio_test_fixture.hpp"

namespace twinsock::eio {
namespace {

using namespace std::chrono_literals;
using testing::HttpCall;

const std::string kUpgradable = open_packet("abc", "[\"websocket\"]", 300, 200);

TEST_F(EioTest, UpgradeProbeSequence) {
  Socket& s = open_polling(kUpgradable);
  ASSERT_EQ(ws.conns.size(), 1u);
  testing::WsConn& probe = *ws.last();
  EXPECT_EQ(probe.params.url, "ws://example.com:3000/engine.io/?EIO=4&transport=websocket&sid=abc");
  probe.open();
  EXPECT_EQ(probe.sent, std::vector<std::string>{"2probe"});
  // Polling goes on while the probe runs.
  ASSERT_FALSE(s.send({false, "during-probe"}));
  EXPECT_EQ(http.pending("POST")->request.body, "4during-probe");
  probe.text("3probe");
  // Paused: the GET and POST in flight must end first; writes are buffered.
  ASSERT_FALSE(s.send({false, "buffered"}));
  EXPECT_FALSE(s.writable());
  http.pending("POST")->ok("ok");
  EXPECT_EQ(http.live("POST").size(), 0u);  // nothing new on polling
  EXPECT_EQ(s.transport_name(), "polling");
  http.pending("GET")->ok("6");  // the server's noop ends the poll
  EXPECT_TRUE(http.live("GET").empty());
  EXPECT_EQ(s.transport_name(), "websocket");
  EXPECT_EQ(probe.sent, (std::vector<std::string>{"2probe", "5", "4buffered"}));
  EXPECT_EQ(log.back(), "upgrade:websocket");
  EXPECT_TRUE(Socket::prior_upgrade());
  loop.run_posted();
  EXPECT_TRUE(s.writable());
  ASSERT_FALSE(s.send({false, "after"}));
  EXPECT_EQ(probe.sent.back(), "4after");
  probe.text("4from-ws");
  EXPECT_EQ(log.back(), "msg:from-ws");
  const std::size_t calls = http.calls.size();
  loop.run_posted();
  EXPECT_EQ(http.calls.size(), calls);  // polling is over
}

TEST_F(EioTest, UpgradeWaitsForTheGetAndDeliversItsPackets) {
  open_polling(kUpgradable);
  ws.last()->open();
  ws.last()->text("3probe");
  EXPECT_EQ(ws.last()->sent.size(), 1u);  // no `5` yet: a GET is in flight
  http.pending("GET")->ok("4last-poll\x1e" "6");
  EXPECT_EQ(ws.last()->sent.back(), "5");
  EXPECT_EQ(log, (std::vector<std::string>{"open:abc", "msg:last-poll", "upgrade:websocket"}));
}

TEST_F(EioTest, UpgradeDisabledOrNotOffered) {
  SocketOptions o = options();
  o.upgrade = false;
  open_polling(kUpgradable, std::move(o));
  EXPECT_TRUE(ws.conns.empty());
  open_polling(open_packet());  // upgrades: []
  EXPECT_TRUE(ws.conns.empty());
  SocketOptions p = options();
  p.transports = {"polling"};
  open_polling(kUpgradable, std::move(p));
  EXPECT_TRUE(ws.conns.empty());
}

TEST_F(EioTest, FailedProbeStaysOnPolling) {
  Socket& s = open_polling(kUpgradable);
  ws.last()->drop({.code = 1006, .error = errc::ws_handshake_bad_status, .detail = "HTTP 400"});
  EXPECT_EQ(log, (std::vector<std::string>{"open:abc", "upgrade_error:TWINSOCK_ERR_WS_HANDSHAKE_BAD_STATUS"}));
  EXPECT_EQ(last_error_detail, "probe error: HTTP 400");
  EXPECT_EQ(s.ready_state(), ReadyState::open);
  EXPECT_EQ(s.transport_name(), "polling");
  EXPECT_FALSE(Socket::prior_upgrade());
  ASSERT_FALSE(s.send({false, "still"}));
  EXPECT_EQ(http.pending("POST")->request.body, "4still");
  http.pending("GET")->ok("4fine");
  EXPECT_EQ(log.back(), "msg:fine");
  EXPECT_EQ(closes, 0);
}

TEST_F(EioTest, ProbeAnsweredWithSomethingElseFails) {
  Socket& s = open_polling(kUpgradable);
  ws.last()->open();
  ws.last()->text("4nope");
  EXPECT_EQ(log.back(), "upgrade_error:TWINSOCK_ERR_EIO_BAD_PACKET_TYPE");
  EXPECT_EQ(ws.last()->close_calls, std::vector<std::uint16_t>{1000});
  EXPECT_EQ(ws.last()->sent, std::vector<std::string>{"2probe"});  // no close packet on a probe
  EXPECT_EQ(s.transport_name(), "polling");
}

TEST_F(EioTest, ProbeDyingAfter3probeResumesPolling) {
  Socket& s = open_polling(kUpgradable);
  ws.last()->open();
  ws.last()->text("3probe");
  ASSERT_FALSE(s.send({false, "held"}));
  ws.last()->drop();
  EXPECT_EQ(log.back(), "upgrade_error:TWINSOCK_ERR_CONNECTION_RESET");
  // The buffered write goes out on polling; the GET in flight stays, and polling continues after it.
  EXPECT_EQ(http.pending("POST")->request.body, "4held");
  http.pending("GET")->ok("6");
  EXPECT_NE(http.pending("GET"), nullptr);
  EXPECT_EQ(s.transport_name(), "polling");
}

TEST_F(EioTest, ProbeTimesOut) {
  SocketOptions o = options();
  o.request_timeout = 1s;
  Socket& s = open_polling(open_packet("abc", "[\"websocket\"]"), std::move(o));
  ws.last()->open();
  loop.advance(1s);
  EXPECT_EQ(log.back(), "upgrade_error:TWINSOCK_ERR_HANDSHAKE_TIMEOUT");
  EXPECT_EQ(s.transport_name(), "polling");
}

TEST_F(EioTest, CloseDuringUpgradeWaitsForIt) {
  Socket& s = open_polling(kUpgradable);
  ws.last()->open();
  ws.last()->text("3probe");
  s.close();
  loop.run_posted();
  EXPECT_EQ(closes, 0);
  http.pending("GET")->ok("6");
  EXPECT_EQ(log.back(), "close:forced close");
  EXPECT_EQ(ws.last()->sent, (std::vector<std::string>{"2probe", "5", "1"}));
}

TEST_F(EioTest, RememberUpgradeStartsOnWebSocket) {
  open_polling(kUpgradable);
  ws.last()->open();
  ws.last()->text("3probe");
  http.pending("GET")->ok("6");
  ASSERT_TRUE(Socket::prior_upgrade());
  SocketOptions o = options();
  o.remember_upgrade = true;
  const std::size_t calls = http.calls.size();
  make(std::move(o));
  EXPECT_EQ(http.calls.size(), calls);
  ASSERT_EQ(ws.conns.size(), 2u);
  EXPECT_EQ(ws.last()->params.url, "ws://example.com:3000/engine.io/?EIO=4&transport=websocket");
  // Without the option the same process starts on polling.
  make(options());
  EXPECT_EQ(http.calls.size(), calls + 1);
}

TEST_F(EioTest, PingIsAnsweredWithPong) {
  Socket& s = open_polling(kUpgradable);
  (void)s;
  http.pending("GET")->ok("2");
  EXPECT_EQ(log.back(), "ping");
  ASSERT_NE(http.pending("POST"), nullptr);
  EXPECT_EQ(http.pending("POST")->request.body, "3");
}

TEST_F(EioTest, PingPongOnWebSocket) {
  open_websocket(open_packet("w", "[]", 300, 200));
  ws.last()->text("2");
  EXPECT_EQ(ws.last()->sent.back(), "3");
  EXPECT_EQ(log.back(), "ping");
}

TEST_F(EioTest, PingsKeepTheSessionAlive) {
  open_websocket(open_packet("w", "[]", 300, 200));
  for (int i = 0; i < 10; ++i) {
    loop.advance(490ms);
    ws.last()->text("2");
  }
  EXPECT_EQ(closes, 0);
  loop.advance(499ms);
  EXPECT_EQ(closes, 0);
  loop.advance(2ms);
  EXPECT_EQ(log.back(), "close:ping timeout");
  EXPECT_EQ(close_ec, errc::ping_timeout);
  EXPECT_EQ(ws.last()->sent.back(), "1");
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST_F(EioTest, PingTimeoutOnPollingSendsClosePacket) {
  open_polling(open_packet("abc", "[]", 300, 200));
  HttpCall* get = http.pending("GET");
  loop.advance(501ms);
  EXPECT_EQ(log, (std::vector<std::string>{"open:abc", "close:ping timeout"}));
  EXPECT_FALSE(get->cancelled);  // left to end by itself, as engine.io-client does
  ASSERT_NE(http.pending("POST"), nullptr);
  EXPECT_EQ(http.pending("POST")->request.body, "1");
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST_F(EioTest, ClockJumpDetectedOnTheNextSend) {
  Socket& s = open_websocket(open_packet("w", "[]", 300, 200));
  EXPECT_TRUE(s.writable());
  loop.jump(501ms);  // suspended: no timer fired
  EXPECT_FALSE(s.writable());
  EXPECT_EQ(s.send({false, "after-sleep"}), errc::ping_timeout);
  EXPECT_EQ(closes, 0);  // never inside the call
  EXPECT_EQ(s.ready_state(), ReadyState::closed);
  loop.run_posted();
  EXPECT_EQ(log.back(), "close:ping timeout");
  EXPECT_EQ(closes, 1);
  EXPECT_EQ(ws.last()->sent.back(), "1");  // not "4after-sleep"
  loop.advance(10s);
  EXPECT_EQ(closes, 1);
}

// The thread was busy past the deadline (the timer fires late) while the server's ping
// sat unread: the input gets a turn before the verdict, and the ping saves the session.
TEST_F(EioTest, AHeartbeatTimerHeldUpByABusyThreadLetsTheInputBeReadFirst) {
  open_websocket(open_packet("w", "[]", 300, 200));
  loop.jump(800ms);  // busy: the timer is 300 ms overdue
  loop.advance(0ms);
  EXPECT_EQ(closes, 0);
  ws.last()->text("2");  // the ping that waited
  loop.advance(490ms);
  EXPECT_EQ(closes, 0);
  EXPECT_EQ(ws.last()->sent.back(), "3");
  // Nothing waiting after all: the verdict follows the read turn.
  loop.jump(800ms);
  loop.advance(9ms);
  EXPECT_EQ(closes, 0);
  loop.advance(1ms);
  EXPECT_EQ(log.back(), "close:ping timeout");
}

TEST_F(EioTest, ClockJumpWithinTheWindowIsFine) {
  Socket& s = open_websocket(open_packet("w", "[]", 300, 200));
  loop.jump(500ms);
  EXPECT_FALSE(s.send({false, "ok"}));
  EXPECT_EQ(ws.last()->sent.back(), "4ok");
}

}  // namespace
}  // namespace twinsock::eio
