// ws::Client over a scripted transport and a fake clock: reconnection, backoff,
// queueing, heartbeats, close rules, and callback re-entrancy.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fake_ws_transport.hpp"
#include "support/fake_loop.hpp"
#include "twinsock/error.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::ws {
namespace {

using std::chrono::milliseconds;
using testing::FakeLoop;
using testing::FakeWsServer;

struct Recorder {
  std::vector<std::string> log;
  std::vector<Subscription> subs;
  void attach(Client& c) {
    subs.push_back(c.on_open.on([this] { log.push_back("open"); }));
    subs.push_back(c.on_message.on([this](const Message& m) { log.push_back("message:" + m.data); }));
    subs.push_back(c.on_close.on([this](const CloseInfo& i) {
      log.push_back("close:" + std::to_string(i.code) + (i.was_clean ? ":clean" : ":unclean"));
    }));
    subs.push_back(c.on_error.on([this](std::error_code ec, const std::string&) {
      log.push_back("error:" + std::string(error_id(ec)));
    }));
    subs.push_back(c.on_reconnecting.on([this](std::uint32_t attempt, Duration delay) {
      log.push_back("reconnecting:" + std::to_string(attempt) + ":" + std::to_string(delay.count()));
    }));
  }
};

ClientOptions fake_options(FakeWsServer& server) {
  ClientOptions o;
  o.transport_factory = server.factory();
  o.reconnect.jitter = 0;  // exact delays
  return o;
}

TEST(WsClient, ConnectsOnTheNextTurnAndEmitsOpen) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://example.test/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  EXPECT_EQ(client.ready_state(), ReadyState::connecting);
  EXPECT_TRUE(server.attempts.empty());  // not inside the constructor
  loop.run_posted();
  ASSERT_EQ(server.attempts.size(), 1u);
  EXPECT_EQ(server.attempts[0].url, "ws://example.test/");
  server.current->open("chat");
  EXPECT_EQ(client.ready_state(), ReadyState::open);
  EXPECT_EQ(client.protocol(), "chat");
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open"}));
}

TEST(WsClient, MessagesSentWhileConnectingAreQueuedAndFlushedInOrder) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  EXPECT_FALSE(client.send("one"));
  EXPECT_FALSE(client.send_binary(as_bytes("two")));
  EXPECT_EQ(client.queued_messages(), 2u);
  EXPECT_EQ(client.buffered_amount(), 6u);
  loop.run_posted();
  server.current->open();
  ASSERT_EQ(server.current->sent.size(), 2u);
  EXPECT_EQ(server.current->sent[0].data, "one");
  EXPECT_EQ(server.current->sent[1].kind, "bin:");
  EXPECT_EQ(client.queued_messages(), 0u);
  EXPECT_FALSE(client.send("three"));
  EXPECT_EQ(server.current->sent.size(), 3u);
}

// RFC 6455 §5.6: a text message is UTF-8. Text that is not is refused at once,
// queued or open, and nothing reaches the wire; the same bytes go as binary.
TEST(WsClient, TextThatIsNotUtf8IsRefusedAndNothingIsSent) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  EXPECT_EQ(client.send("\xff\xfe"), errc::ws_text_not_utf8);
  EXPECT_EQ(client.send("caf\xc3"), errc::ws_text_not_utf8);  // cut in the middle of a character
  EXPECT_EQ(client.queued_messages(), 0u);
  loop.run_posted();
  server.current->open();
  EXPECT_EQ(client.send("\xed\xa0\x80"), errc::ws_text_not_utf8);  // a UTF-16 surrogate
  EXPECT_FALSE(client.send("caf\xc3\xa9 \xf0\x9f\x8e\xae"));
  EXPECT_FALSE(client.send_binary(as_bytes("\xff\xfe")));
  ASSERT_EQ(server.current->sent.size(), 2u);
  EXPECT_EQ(server.current->sent[0].data, "caf\xc3\xa9 \xf0\x9f\x8e\xae");
  EXPECT_EQ(server.current->sent[1].kind, "bin:");
  EXPECT_EQ(client.ready_state(), ReadyState::open);
}

TEST(WsClient, QueueBoundsRejectNewByDefault) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.max_queued_messages = 2;
  o.max_queued_bytes = 10;
  Client client(loop, "ws://h/", o);
  EXPECT_FALSE(client.send("a"));
  EXPECT_FALSE(client.send("b"));
  EXPECT_EQ(client.send("c"), errc::queue_full);
  EXPECT_EQ(client.send(std::string(11, 'x')), errc::queue_full);
  EXPECT_EQ(client.queued_messages(), 2u);
}

TEST(WsClient, QueueCanDropOldest) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.max_queued_messages = 2;
  o.queue_full_policy = QueueFullPolicy::drop_oldest;
  Client client(loop, "ws://h/", o);
  for (const char* m : {"a", "b", "c"}) EXPECT_FALSE(client.send(m));
  loop.run_posted();
  server.current->open();
  ASSERT_EQ(server.current->sent.size(), 2u);
  EXPECT_EQ(server.current->sent[0].data, "b");
  EXPECT_EQ(server.current->sent[1].data, "c");
}

TEST(WsClient, DisabledQueueRefusesWhileOffline) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.max_queued_messages = 0;
  Client client(loop, "ws://h/", o);
  EXPECT_EQ(client.send("a"), errc::not_connected);
}

TEST(WsClient, ReconnectDelaysGrowAndCapWithoutJitter) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.reconnect.min_delay = milliseconds(100);
  o.reconnect.max_delay = milliseconds(300);
  o.reconnect.grow_factor = 2;
  Client client(loop, "ws://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  for (int i = 0; i < 4; ++i) {
    ASSERT_NE(server.current, nullptr);
    server.current->close_from_server({.code = 1006});
    loop.advance(milliseconds(1000));
  }
  const std::vector<std::string> expect = {
      "close:1006:unclean", "reconnecting:1:100", "close:1006:unclean", "reconnecting:2:200",
      "close:1006:unclean", "reconnecting:3:300", "close:1006:unclean", "reconnecting:4:300"};
  EXPECT_EQ(rec.log, expect);
  EXPECT_EQ(server.attempts.size(), 5u);
}

TEST(WsClient, ReconnectWaitsTheFullDelay) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.reconnect.min_delay = milliseconds(500);
  Client client(loop, "ws://h/", o);
  loop.run_posted();
  server.current->close_from_server({.code = 1011});
  loop.advance(milliseconds(499));
  EXPECT_EQ(server.attempts.size(), 1u);
  loop.advance(milliseconds(1));
  EXPECT_EQ(server.attempts.size(), 2u);
}

TEST(WsClient, JitterStaysWithinBounds) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.reconnect.jitter = 0.5;
  o.reconnect.min_delay = milliseconds(1000);
  o.reconnect.grow_factor = 1;
  Client client(loop, "ws://h/", o);
  std::vector<long> delays;
  auto sub = client.on_reconnecting.on([&](std::uint32_t, Duration d) { delays.push_back(d.count()); });
  loop.run_posted();
  for (int i = 0; i < 50; ++i) {
    server.current->close_from_server({.code = 1006});
    loop.advance(milliseconds(2000));
  }
  ASSERT_EQ(delays.size(), 50u);
  bool varied = false;
  for (long d : delays) {
    EXPECT_GE(d, 500);
    EXPECT_LE(d, 1500);
    varied |= d != delays[0];
  }
  EXPECT_TRUE(varied);
}

TEST(WsClient, CloseCodeRuleDecidesReconnection) {
  struct Case {
    std::uint16_t code;
    bool reconnects;
  } cases[] = {{1000, false}, {1001, true}, {1006, true}, {1008, false}, {1011, true},
               {1012, true},  {4000, false}, {4999, false}, {3000, true}};
  for (const auto& c : cases) {
    FakeLoop loop;
    FakeWsServer server;
    Client client(loop, "ws://h/", fake_options(server));
    loop.run_posted();
    server.current->open();
    server.current->close_from_server({.code = c.code, .was_clean = true});
    loop.advance(milliseconds(2000));  // past the first delay, before any connection timeout
    EXPECT_EQ(server.attempts.size(), c.reconnects ? 2u : 1u) << c.code;
  }
}

TEST(WsClient, ShouldReconnectHookOverridesTheRule) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.should_reconnect = [](const CloseInfo& info, bool) { return info.code == 4001; };
  Client client(loop, "ws://h/", o);
  loop.run_posted();
  server.current->close_from_server({.code = 4001});
  loop.advance(milliseconds(2000));
  ASSERT_EQ(server.attempts.size(), 2u);
  server.current->close_from_server({.code = 1006});
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(server.attempts.size(), 2u);
}

TEST(WsClient, UserCloseRunsTheHandshakeAndNeverReconnects) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->open();
  client.close(1000, "bye");
  EXPECT_EQ(client.ready_state(), ReadyState::closing);
  ASSERT_EQ(server.current->close_calls.size(), 1u);
  EXPECT_EQ(server.current->close_calls[0], (std::pair<std::uint16_t, std::string>{1000, "bye"}));
  EXPECT_EQ(client.send("late"), errc::invalid_state);
  server.current->close_from_server({.code = 1000, .reason = "bye", .was_clean = true});
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open", "close:1000:clean"}));
  EXPECT_EQ(server.attempts.size(), 1u);
  EXPECT_EQ(client.send("after"), errc::invalid_state);
}

TEST(WsClient, CloseWhileConnectingReportsOnALaterTurn) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  client.close(4000, "bye");
  EXPECT_TRUE(rec.log.empty());  // not inside close()
  loop.run_posted();
  EXPECT_EQ(rec.log, (std::vector<std::string>{"close:1006:unclean"}));  // no handshake: the DOM's 1006
  EXPECT_EQ(server.current, nullptr);
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(server.attempts.size(), 1u);
}

// Closed while waiting to reconnect: the lost connection's close was the last word; no
// second close event (partysocket says nothing either), and no more attempts.
TEST(WsClient, CloseWhileWaitingToReconnectEndsQuietly) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->open();
  server.current->close_from_server({.code = 1011, .reason = "oops", .was_clean = true});
  ASSERT_EQ(client.ready_state(), ReadyState::connecting);  // a reconnection is scheduled
  client.close(1000, "");
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open", "close:1011:clean", "reconnecting:1:1000"}));
  EXPECT_EQ(server.attempts.size(), 1u);
}

// close(); connect(); in one callback (a game restarting its session): the new connection
// starts once the close handshake is over, instead of connect() being ignored for good.
TEST(WsClient, ConnectWhileClosingConnectsOnceTheCloseIsDone) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->open();
  client.close(1000, "restart");
  client.connect();
  EXPECT_EQ(client.ready_state(), ReadyState::closing);
  server.current->close_from_server({.code = 1000, .reason = "restart", .was_clean = true});
  loop.run_posted();
  ASSERT_EQ(server.attempts.size(), 2u);
  server.current->open();
  EXPECT_EQ(client.ready_state(), ReadyState::open);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open", "close:1000:clean", "open"}));
  // A close() after that connect() wins: nothing reconnects.
  client.close(1000, "");
  client.connect();
  client.close(1000, "");
  server.current->close_from_server({.code = 1000, .reason = "", .was_clean = true});
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(server.attempts.size(), 2u);
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
}

TEST(WsClient, ConnectAfterCloseStartsAgain) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.start_closed = true;
  Client client(loop, "ws://h/", o);
  loop.advance(milliseconds(1000));
  EXPECT_TRUE(server.attempts.empty());
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
  client.connect();
  loop.run_posted();
  EXPECT_EQ(server.attempts.size(), 1u);
}

TEST(WsClient, ConnectionTimeoutFailsTheAttemptAndRetries) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.connection_timeout = milliseconds(4000);
  o.reconnect.min_delay = milliseconds(100);
  Client client(loop, "ws://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.advance(milliseconds(4000));
  EXPECT_EQ(server.current, nullptr);  // the stalled attempt was dropped
  EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_HANDSHAKE_TIMEOUT", "close:1006:unclean",
                                                "reconnecting:1:100"}));
  loop.advance(milliseconds(100));
  EXPECT_EQ(server.attempts.size(), 2u);
}

TEST(WsClient, NoRetriesAllowedEndsWithTheCloseAlone) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.reconnect.max_retries = 0;  // as enabled = false: nothing was given up
  Client client(loop, "ws://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->close_from_server({.code = 1006});
  loop.advance(milliseconds(10'000));
  EXPECT_EQ(server.attempts.size(), 1u);
  ASSERT_FALSE(rec.log.empty());
  EXPECT_EQ(rec.log.back().rfind("close", 0), 0u) << rec.log.back();
  for (const std::string& entry : rec.log) EXPECT_EQ(entry.find("RECONNECT_FAILED"), std::string::npos) << entry;
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
}

TEST(WsClient, MaxRetriesEndsWithReconnectFailed) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.reconnect.max_retries = 2;
  o.reconnect.min_delay = milliseconds(10);
  Client client(loop, "ws://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  for (int i = 0; i < 3; ++i) {
    server.current->close_from_server({.code = 1006});
    loop.advance(milliseconds(1000));
  }
  EXPECT_EQ(server.attempts.size(), 3u);
  EXPECT_EQ(rec.log.back(), "error:TWINSOCK_ERR_RECONNECT_FAILED");
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
}

TEST(WsClient, StableConnectionResetsTheBackoff) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.reconnect.min_delay = milliseconds(100);
  o.reconnect.grow_factor = 2;
  o.reconnect.min_uptime = milliseconds(5000);
  Client client(loop, "ws://h/", o);
  std::vector<long> delays;
  auto sub = client.on_reconnecting.on([&](std::uint32_t, Duration d) { delays.push_back(d.count()); });
  loop.run_posted();
  server.current->open();
  server.current->close_from_server({.code = 1006});  // unstable (0 s up)
  loop.advance(milliseconds(100));
  server.current->open();
  server.current->close_from_server({.code = 1006});  // still unstable
  loop.advance(milliseconds(200));
  server.current->open();
  loop.advance(milliseconds(6000));                    // stable
  server.current->close_from_server({.code = 1006});
  EXPECT_EQ(delays, (std::vector<long>{100, 200, 100}));
}

TEST(WsClient, UrlProviderRunsBeforeEveryAttempt) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  int n = 0;
  o.url_provider = [&] { return "ws://h/?token=" + std::to_string(++n); };
  o.reconnect.min_delay = milliseconds(10);
  Client client(loop, "ws://ignored/", o);
  loop.run_posted();
  server.current->close_from_server({.code = 1006});
  loop.advance(milliseconds(100));
  ASSERT_EQ(server.attempts.size(), 2u);
  EXPECT_EQ(server.attempts[0].url, "ws://h/?token=1");
  EXPECT_EQ(server.attempts[1].url, "ws://h/?token=2");
}

TEST(WsClient, SubprotocolsProviderRunsBeforeEveryAttempt) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  int n = 0;
  o.subprotocols = {"ignored"};
  o.subprotocols_provider = [&] { return std::vector<std::string>{"chat", "token." + std::to_string(++n)}; };
  o.reconnect.min_delay = milliseconds(10);
  Client client(loop, "ws://h/", o);
  loop.run_posted();
  server.current->close_from_server({.code = 1006});
  loop.advance(milliseconds(100));
  ASSERT_EQ(server.attempts.size(), 2u);
  EXPECT_EQ(server.attempts[0].subprotocols, (std::vector<std::string>{"chat", "token.1"}));
  EXPECT_EQ(server.attempts[1].subprotocols, (std::vector<std::string>{"chat", "token.2"}));
}

TEST(WsClient, ABadUrlFailsOnceWithoutATransportOrRetries) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "not a url", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  loop.advance(milliseconds(60'000));
  EXPECT_TRUE(server.attempts.empty());  // every platform hears of it from the client, not its transport
  EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_URL_BAD_SCHEME", "close:1006:unclean"}));
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
}

TEST(WsClient, MisuseReportedByTheTransportIsNotRetried) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  // A browser refusing handshake headers: no attempt can do better.
  server.current->close_from_server({.code = 1006, .error = errc::not_supported});
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(server.attempts.size(), 1u);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_NOT_SUPPORTED", "close:1006:unclean"}));
}

TEST(WsClient, HttpUrlsAreAccepted) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "https://h/chat", fake_options(server));
  loop.run_posted();
  ASSERT_EQ(server.attempts.size(), 1u);  // the platform reads https as wss, as browsers do
  EXPECT_EQ(server.attempts[0].url, "https://h/chat");
}

TEST(WsClient, AUrlProviderIsAskedAgainAfterABadUrl) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  int n = 0;
  o.url_provider = [&] { return ++n == 1 ? std::string("ws://bad host/") : std::string("ws://h/"); };
  o.reconnect.min_delay = milliseconds(10);
  Client client(loop, "ws://ignored/", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  loop.advance(milliseconds(100));
  ASSERT_EQ(server.attempts.size(), 1u);
  EXPECT_EQ(server.attempts[0].url, "ws://h/");
  EXPECT_EQ(rec.log.front(), "error:TWINSOCK_ERR_URL_BAD_HOST");
}

TEST(WsClient, HeartbeatPingsAndDetectsADeadPeer) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.heartbeat_interval = milliseconds(1000);
  o.heartbeat_timeout = milliseconds(500);
  Client client(loop, "ws://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->open();
  loop.advance(milliseconds(1000));
  EXPECT_EQ(server.current->pings, 1);
  server.current->pong();
  loop.advance(milliseconds(1000));
  EXPECT_EQ(server.current->pings, 2);
  loop.advance(milliseconds(499));
  EXPECT_NE(server.current, nullptr);
  loop.advance(milliseconds(1));  // no pong: dead
  EXPECT_EQ(server.current, nullptr);
  ASSERT_GE(rec.log.size(), 3u);
  EXPECT_EQ(rec.log[1], "error:TWINSOCK_ERR_HEARTBEAT_TIMEOUT");
  EXPECT_EQ(rec.log[2], "close:1006:unclean");
}

TEST(WsClient, HeartbeatIsOffWhenThePlatformCannotPing) {
  FakeLoop loop;
  FakeWsServer server;
  auto o = fake_options(server);
  o.heartbeat_interval = milliseconds(1000);
  Client client(loop, "ws://h/", o);
  loop.run_posted();
  server.current->ping_supported = false;
  server.current->open();
  loop.advance(milliseconds(10'000));
  EXPECT_EQ(server.current->pings, 1);
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST(WsClient, ClientMayBeDestroyedInsideItsOwnCallback) {
  FakeLoop loop;
  FakeWsServer server;
  auto client = std::make_unique<Client>(loop, "ws://h/", fake_options(server));
  auto sub = client->on_message.on([&](const Message&) { client.reset(); });
  loop.run_posted();
  server.current->open();
  server.current->message("bye");
  EXPECT_EQ(client, nullptr);
  EXPECT_EQ(server.current, nullptr);  // the transport went with it
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST(WsClient, DestroyedInsideCloseCallbackStopsReconnection) {
  FakeLoop loop;
  FakeWsServer server;
  auto client = std::make_unique<Client>(loop, "ws://h/", fake_options(server));
  auto sub = client->on_close.on([&](const CloseInfo&) { client.reset(); });
  loop.run_posted();
  server.current->close_from_server({.code = 1006});
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(server.attempts.size(), 1u);
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST(WsClient, ReconnectRestartsAtOnce) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  loop.run_posted();
  server.current->open();
  client.reconnect(4000, "again");
  loop.run_posted();
  EXPECT_EQ(server.attempts.size(), 2u);
}

// Found by the simulation (tests/sim): reconnect() on an open connection went
// from open to the next open without a close event between them.
TEST(WsClient, ReconnectOfAnOpenConnectionReportsItsCloseBeforeTheNextOpen) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  std::vector<std::string> events;
  auto a = client.on_open.on([&] { events.push_back("open"); });
  auto b = client.on_close.on([&](const CloseInfo& i) { events.push_back("close " + std::to_string(i.code) + " " + i.reason); });
  loop.run_posted();
  server.current->open();
  client.reconnect(4000, "again");
  EXPECT_EQ(events, (std::vector<std::string>{"open"}));  // never inside the call
  loop.run_posted();
  server.current->open();
  EXPECT_EQ(events, (std::vector<std::string>{"open", "close 4000 again", "open"}));
}

TEST(WsClient, ReconnectWhileConnectingReportsNoClose) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  int closes = 0;
  auto a = client.on_close.on([&](const CloseInfo&) { ++closes; });
  loop.run_posted();
  client.reconnect();
  loop.run_posted();
  EXPECT_EQ(closes, 0);
  EXPECT_EQ(server.attempts.size(), 2u);
}

TEST(WsClient, TransportErrorsArriveBeforeTheClose) {
  FakeLoop loop;
  FakeWsServer server;
  Client client(loop, "ws://h/", fake_options(server));
  std::vector<std::string> order;
  std::string detail;
  auto a = client.on_error.on([&](std::error_code ec, const std::string& d) {
    order.push_back(std::string(error_id(ec)));
    detail = d;
  });
  auto b = client.on_close.on([&](const CloseInfo& i) { order.push_back("close " + std::to_string(i.code)); });
  loop.run_posted();
  server.current->close_from_server(
      {.code = 1006, .error = errc::tls_cert_expired, .detail = "certificate has expired"});
  EXPECT_EQ(order, (std::vector<std::string>{"TWINSOCK_ERR_TLS_CERT_EXPIRED", "close 1006"}));
  EXPECT_EQ(detail, "certificate has expired");
}

}  // namespace
}  // namespace twinsock::ws
