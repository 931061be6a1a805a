// socket.io-client test/connection.ts, one test per behaviour that applies to a
// C++ client (same names in snake_case), against a scripted server.
#include <algorithm>

#include "sio_test_fixture.hpp"

namespace twinsock::sio {
namespace {

using V = std::vector<std::string>;

TEST_F(SioTest, should_connect_to_localhost) {
  Manager& m = make();
  Socket& s = m.socket();
  watch(s);
  ASSERT_FALSE(s.emit("hi"));  // buffered until CONNECT
  int got = 0;
  auto sub = s.on("hi", [&](const Args&, const Reply&) { ++got; });
  loop.run_posted();
  ASSERT_EQ(ws.conns.size(), 1u);
  EXPECT_EQ(conn()->params.url, "ws://example.com:3000/socket.io/?EIO=4&transport=websocket");
  handshake();
  EXPECT_EQ(sent(), V{"0"});
  accept("/", "s1");
  EXPECT_EQ(sent(), (V{"0", "2[\"hi\"]"}));
  server("2[\"hi\"]");
  EXPECT_EQ(got, 1);
  EXPECT_EQ(log, (V{"open", "/ connect"}));
}

TEST_F(SioTest, should_not_connect_when_auto_connect_option_set_to_false) {
  ManagerOptions o = options();
  o.auto_connect = false;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  loop.run_posted();
  EXPECT_EQ(m.engine(), nullptr);
  EXPECT_TRUE(ws.conns.empty());
  EXPECT_FALSE(s.active());
  s.disconnect();
}

TEST_F(SioTest, should_start_a_single_connection_with_different_namespaces) {
  Manager& m = make(options(), "http://example.com:3000/foo");
  Socket& foo = m.socket();
  Socket& bar = m.socket("/bar");
  EXPECT_EQ(foo.nsp(), "/foo");
  loop.run_posted();
  handshake();
  EXPECT_EQ(ws.conns.size(), 1u);
  EXPECT_EQ(sent(), (V{"0/bar,", "0/foo,"}));  // one CONNECT per namespace, on the one engine
  accept("/foo", "f1");
  accept("/bar", "b1");
  EXPECT_TRUE(foo.connected());
  EXPECT_TRUE(bar.connected());
  EXPECT_EQ(foo.id(), "f1");
  EXPECT_EQ(bar.id(), "b1");
}

TEST_F(SioTest, should_work_with_acks) {
  Socket& s = connected();
  auto sub = s.on("ack", [](const Args& args, const Reply& reply) {
    EXPECT_TRUE(reply.requested());
    EXPECT_EQ(args, Args::array());
    reply(Args{5, {{"test", true}}});
    reply(Args{6});  // at most once
  });
  server("21[\"ack\"]");
  EXPECT_EQ(sent(), (V{"0", "31[5,{\"test\":true}]"}));
}

TEST_F(SioTest, should_receive_date_with_ack) {
  Socket& s = connected();
  std::string got;
  ASSERT_FALSE(s.emit("getAckDate", Args{{{"test", true}}}, [&](std::error_code ec, const Args& a) {
    EXPECT_FALSE(ec);
    got = a[0].get<std::string>();
  }));
  EXPECT_EQ(sent().back(), "21[\"getAckDate\",{\"test\":true}]");
  server("31[\"2026-11-25T00:00:00.000Z\"]");
  EXPECT_EQ(got, "2026-11-25T00:00:00.000Z");
}

TEST_F(SioTest, should_work_with_false) {
  Socket& s = connected();
  Args got;
  auto sub = s.on("false", [&](const Args& a, const Reply&) { got = a; });
  server("2[\"false\",false]");
  EXPECT_EQ(got, Args{false});
}

TEST_F(SioTest, should_receive_utf8_multibyte_characters) {
  Socket& s = connected();
  V got;
  auto sub = s.on("takeUtf8", [&](const Args& a, const Reply&) { got.push_back(a[0].get<std::string>()); });
  for (const char* t : {"てすと", "Я Б Г Д Ж Й", "Ä ä Ü ü ß", "utf8 — string"}) server("2[\"takeUtf8\",\"" + std::string(t) + "\"]");
  EXPECT_EQ(got, (V{"てすと", "Я Б Г Д Ж Й", "Ä ä Ü ü ß", "utf8 — string"}));
}

TEST_F(SioTest, should_connect_to_a_namespace_after_connection_established) {
  Socket& s = connected();
  Socket& foo = mgr->socket("/foo");
  watch(foo);
  EXPECT_EQ(sent(), (V{"0", "0/foo,"}));
  accept("/foo", "f1");
  EXPECT_TRUE(foo.connected());
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(ws.conns.size(), 1u);
}

TEST_F(SioTest, should_open_a_new_namespace_after_connection_gets_closed) {
  Socket& s = connected();
  s.disconnect();
  loop.run_posted();
  EXPECT_EQ(count("/ disconnect:io client disconnect"), 1);
  EXPECT_EQ(mgr->state(), ManagerState::closed);
  conn()->finish_close();
  Socket& foo = mgr->socket("/foo");
  loop.run_posted();
  ASSERT_EQ(ws.conns.size(), 2u);
  handshake("e2");
  EXPECT_EQ(sent(), V{"0/foo,"});
  accept("/foo", "f1");
  EXPECT_TRUE(foo.connected());
}

TEST_F(SioTest, should_reconnect_by_default) {
  Socket& s = connected();
  conn()->drop();
  loop.run_posted();
  EXPECT_EQ(count("/ disconnect:transport error"), 1);
  EXPECT_TRUE(s.active());
  advance(999ms);
  EXPECT_EQ(ws.conns.size(), 1u);
  advance(1ms);
  ASSERT_EQ(ws.conns.size(), 2u);
  EXPECT_EQ(count("reconnect_attempt:1"), 1);
  handshake("e2");
  EXPECT_EQ(count("reconnect:1"), 1);
  accept("/", "s2");
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(count("/ connect"), 2);
}

TEST_F(SioTest, should_reconnect_manually) {
  Socket& s = connected();
  s.disconnect();
  loop.run_posted();
  EXPECT_FALSE(s.active());
  advance(10s);
  EXPECT_EQ(ws.conns.size(), 1u);  // no automatic reconnection after io client disconnect
  s.connect();
  loop.run_posted();
  ASSERT_EQ(ws.conns.size(), 2u);
  handshake("e2");
  accept("/", "s2");
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(count_prefix("reconnect"), 0);
}

TEST_F(SioTest, should_reconnect_automatically_after_reconnecting_manually) {
  Socket& s = connected();
  s.disconnect();
  loop.run_posted();
  s.connect();
  loop.run_posted();
  handshake("e2");
  accept("/", "s2");
  conn()->drop();
  advance(1s);
  ASSERT_EQ(ws.conns.size(), 3u);
  handshake("e3");
  accept("/", "s3");
  EXPECT_EQ(count("reconnect:1"), 1);
  EXPECT_TRUE(s.connected());
}

ManagerOptions immediate_timeout(Harness& h, std::uint32_t attempts, Duration delay = 10ms) {
  ManagerOptions o = h.options();
  o.timeout = 0ms;
  o.reconnection_attempts = attempts;
  o.reconnection_delay = delay;
  return o;
}

TEST_F(SioTest, should_attempt_reconnects_after_a_failed_reconnect) {
  Manager& m = make(immediate_timeout(*this, 2));
  Socket& s = m.socket("/timeout");
  advance(1s);
  EXPECT_EQ(count("reconnect_failed"), 1);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 2);
  log.clear();
  s.connect();
  advance(1s);
  EXPECT_EQ(count_prefix("reconnect_attempt:"), 2);
  EXPECT_EQ(count("reconnect_failed"), 1);
  EXPECT_EQ(ws.conns.size(), 6u);
}

TEST_F(SioTest, reconnect_delay_should_increase_every_time) {
  ManagerOptions o = immediate_timeout(*this, 3, 100ms);
  o.randomization_factor = 0.2;
  Manager& m = make(std::move(o));
  TimePoint start{};
  std::vector<Duration> delays;
  subs.push_back(m.on_error.on([&](std::error_code, const std::string&) { start = loop.now(); }));
  subs.push_back(m.on_reconnect_attempt.on([&](std::uint32_t) {
    delays.push_back(std::chrono::duration_cast<Duration>(loop.now() - start));
  }));
  m.socket("/timeout");
  advance(10s);
  EXPECT_EQ(count("reconnect_failed"), 1);
  ASSERT_EQ(delays.size(), 3u);
  EXPECT_LT(delays[0], delays[1]);
  EXPECT_LT(delays[1], delays[2]);
  EXPECT_GE(delays[0], 80ms);
  EXPECT_LE(delays[2], 480ms);
}

TEST_F(SioTest, should_not_reconnect_when_force_closed) {
  Manager& m = make(immediate_timeout(*this, 1000));
  Socket& s = m.socket("/invalid");
  subs.push_back(m.on_error.once([&](std::error_code, const std::string&) { s.disconnect(); }));
  advance(1s);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 0);
  EXPECT_EQ(count("error:TWINSOCK_ERR_CONNECT_TIMEOUT"), 1);
  EXPECT_EQ(ws.conns.size(), 1u);
}

TEST_F(SioTest, should_stop_reconnecting_when_force_closed) {
  Manager& m = make(immediate_timeout(*this, 1000));
  Socket& s = m.socket("/invalid");
  subs.push_back(m.on_reconnect_attempt.once([&](std::uint32_t) { s.disconnect(); }));
  advance(1s);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 1);
  advance(10s);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 1);
  EXPECT_EQ(m.state(), ManagerState::closed);
}

TEST_F(SioTest, should_reconnect_after_stopping_reconnection) {
  Manager& m = make(immediate_timeout(*this, 1000));
  Socket& s = m.socket("/invalid");
  subs.push_back(m.on_reconnect_attempt.once([&](std::uint32_t) {
    s.disconnect();
    s.connect();
  }));
  advance(15ms);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 1);
  advance(10ms);
  EXPECT_GE(count_prefix("reconnect_attempt"), 2);
  s.disconnect();
}

TEST_F(SioTest, should_stop_reconnecting_on_a_socket_and_keep_to_reconnect_on_another) {
  Manager& m = make();
  Socket& s1 = m.socket("/");
  Socket& s2 = m.socket("/asd");
  watch(s1);
  watch(s2);
  loop.run_posted();
  handshake();
  accept("/", "a");
  accept("/asd", "b");
  subs.push_back(m.on_reconnect_attempt.once([&](std::uint32_t) { s1.disconnect(); }));
  conn()->drop();
  advance(1s);
  handshake("e2");
  EXPECT_EQ(sent(), V{"0/asd,"});
  accept("/asd", "b2");
  EXPECT_TRUE(s2.connected());
  EXPECT_FALSE(s1.connected());
  EXPECT_EQ(count("/ connect"), 1);
}

TEST_F(SioTest, should_try_to_reconnect_twice_and_fail_when_requested_two_attempts_with_immediate_timeout_and_reconnect_enabled) {
  Manager& m = make(immediate_timeout(*this, 2));
  m.socket("/timeout");
  advance(1s);
  EXPECT_EQ(count_prefix("reconnect_attempt:"), 2);
  EXPECT_EQ(count("reconnect_failed"), 1);
  EXPECT_EQ(count_prefix("reconnect_error:"), 2);
  EXPECT_EQ(m.state(), ManagerState::closed);
}

TEST_F(SioTest, should_fire_reconnect_events_on_manager) {
  Manager& m = make(immediate_timeout(*this, 2));
  m.socket("/timeout_socket");
  advance(1s);
  V want{"error:TWINSOCK_ERR_CONNECT_TIMEOUT",
         "reconnect_attempt:1", "error:TWINSOCK_ERR_CONNECT_TIMEOUT", "reconnect_error:TWINSOCK_ERR_CONNECT_TIMEOUT",
         "reconnect_attempt:2", "error:TWINSOCK_ERR_CONNECT_TIMEOUT", "reconnect_error:TWINSOCK_ERR_CONNECT_TIMEOUT",
         "reconnect_failed"};
  EXPECT_EQ(log, want);
}

TEST_F(SioTest, a_failed_reconnection_says_connect_error_then_error_then_reconnect_error) {
  // socket.io-client: its sockets listen to the Manager's "error" from io() on, and the attempt's
  // callback says "reconnect_error" after it.
  Manager& m = make(immediate_timeout(*this, 1));
  watch(m.socket("/timeout_socket"));
  advance(1s);
  V want{"/timeout_socket connect_error:timeout", "error:TWINSOCK_ERR_CONNECT_TIMEOUT",
         "reconnect_attempt:1", "/timeout_socket connect_error:timeout", "error:TWINSOCK_ERR_CONNECT_TIMEOUT",
         "reconnect_error:TWINSOCK_ERR_CONNECT_TIMEOUT", "reconnect_failed"};
  EXPECT_EQ(log, want);
}

TEST_F(SioTest, should_not_try_to_reconnect_and_should_form_a_connection_when_connecting_to_correct_port_with_default_timeout) {
  Socket& s = connected();
  advance(20s);  // pings keep the session alive
  for (int i = 0; i < 3; ++i) {
    conn()->text("2");
    advance(20s);
  }
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(count_prefix("reconnect"), 0);
  EXPECT_EQ(ws.conns.size(), 1u);
}

TEST_F(SioTest, should_connect_while_disconnecting_another_socket) {
  Manager& m = make();
  Socket& s1 = m.socket("/foo");
  loop.run_posted();
  handshake();
  accept("/foo", "f");
  Socket& s2 = m.socket("/asd");
  s1.disconnect();
  loop.run_posted();
  EXPECT_EQ(m.state(), ManagerState::open);
  accept("/asd", "a");
  EXPECT_TRUE(s2.connected());
  EXPECT_EQ(sent(), (V{"0/foo,", "0/asd,", "1/foo,"}));
}

// Found by the simulation (tests/sim): disconnect() then connect() while the first
// CONNECT was in flight sent a second CONNECT; its answers could disagree (connect
// fired twice, or connect then connect_error while connected). The one in flight answers.
TEST_F(SioTest, should_not_send_connect_again_when_reconnected_while_the_first_is_in_flight) {
  Socket& s = chat_connect_in_flight();
  s.disconnect();
  s.connect();
  loop.run_posted();
  EXPECT_EQ(sent(), (V{"0", "0/chat,"}));
  accept("/chat", "c1");
  EXPECT_EQ(count("/chat connect"), 1);
  EXPECT_TRUE(s.connected());
  accept("/chat", "c2");  // a late duplicate answer changes nothing but the id
  server("4/chat,{\"message\":\"late\"}");
  EXPECT_EQ(count("/chat connect"), 1);
  EXPECT_EQ(count_prefix("/chat connect_error"), 0);
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(s.id(), "c2");
}

TEST_F(SioTest, should_report_the_refusal_of_a_connect_reissued_while_in_flight) {
  Socket& s = chat_connect_in_flight();
  s.disconnect();
  s.connect();
  loop.run_posted();
  server("4/chat,{\"message\":\"Not authorized\"}");
  EXPECT_EQ(count("/chat connect_error:Not authorized"), 1);
  EXPECT_FALSE(s.connected());
  EXPECT_FALSE(s.active());
}

// Found by the simulation (tests/sim): events the server sent to a namespace after
// disconnect() were kept and delivered (and acked) after a later connect().
TEST_F(SioTest, should_ignore_events_for_a_namespace_disconnected_by_the_user) {
  Socket& s = chat_connect_in_flight();
  V events;
  auto sub = s.on_any([&](const std::string& event, const Args&) { events.push_back(event); });
  s.disconnect();  // CONNECT /chat is in flight
  accept("/chat", "c1");
  server("2/chat,0[\"ask\"]");  // the server thinks /chat is connected
  s.connect();
  accept("/chat", "c2");
  EXPECT_TRUE(s.connected());
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(sent(), (V{"0", "0/chat,", "0/chat,"}));  // no ACK for the server's ask
}

TEST_F(SioTest, should_emit_a_connect_error_event_when_reaching_a_socket_io_server_in_v2_x) {
  Manager& m = make();
  Socket& s = m.socket();
  watch(s);
  loop.run_posted();
  handshake();
  server("0");
  EXPECT_EQ(count_prefix("/ connect_error:It seems you are trying to reach a Socket.IO server in v2.x"), 1);
  EXPECT_FALSE(s.connected());
}

TEST_F(SioTest, should_not_close_the_connection_when_disconnecting_a_single_socket) {
  ManagerOptions o = options();
  o.auto_connect = false;
  Manager& m = make(std::move(o));
  Socket& s1 = m.socket("/foo");
  Socket& s2 = m.socket("/asd");
  watch(s2);
  s1.connect();
  loop.run_posted();
  handshake();
  accept("/foo", "f");
  s2.connect();
  accept("/asd", "a");
  s1.disconnect();
  advance(200ms);
  EXPECT_EQ(count("/asd disconnect:io client disconnect"), 0);
  EXPECT_EQ(count_prefix("close:"), 0);
  s2.disconnect();
  loop.run_posted();
  EXPECT_EQ(count_prefix("close:"), 1);
  EXPECT_EQ(control(), V{"1"});  // the Engine.IO close packet
}

TEST_F(SioTest, should_try_to_reconnect_twice_and_fail_when_requested_two_attempts_with_incorrect_address_and_reconnect_enabled) {
  ManagerOptions o = options();
  o.reconnection_attempts = 2;
  o.reconnection_delay = 10ms;
  Manager& m = make(std::move(o));
  m.socket("/asd");
  for (int i = 0; i < 3; ++i) {
    loop.run_posted();
    ASSERT_EQ(ws.conns.size(), std::size_t(i + 1));
    conn()->drop({.code = 1006, .error = errc::connect_refused, .detail = "ECONNREFUSED"});
    advance(100ms);
  }
  EXPECT_EQ(count_prefix("reconnect_attempt:"), 2);
  EXPECT_EQ(count("reconnect_failed"), 1);
}

TEST_F(SioTest, reconnect_error_carries_the_cause_of_the_failed_attempt_as_error_does) {
  ManagerOptions o = options();
  o.reconnection_delay = 10ms;
  Manager& m = make(std::move(o));
  m.socket("/");
  std::vector<std::string> details;
  subs.push_back(m.on_error.on([&](std::error_code, const std::string& d) { details.push_back("error " + d); }));
  subs.push_back(m.on_reconnect_error.on([&](std::error_code, const std::string& d) { details.push_back("reconnect_error " + d); }));
  for (int i = 0; i < 2; ++i) {
    loop.run_posted();
    conn()->drop({.code = 1006, .error = errc::connect_refused, .detail = "ECONNREFUSED"});
    advance(100ms);
  }
  EXPECT_EQ(details, (std::vector<std::string>{"error ECONNREFUSED", "error ECONNREFUSED", "reconnect_error ECONNREFUSED"}));
}

TEST_F(SioTest, should_not_try_to_reconnect_with_incorrect_port_when_reconnection_disabled) {
  ManagerOptions o = options();
  o.reconnection = false;
  Manager& m = make(std::move(o));
  m.socket("/invalid");
  loop.run_posted();
  conn()->drop({.code = 1006, .error = errc::connect_refused, .detail = "ECONNREFUSED"});
  advance(10s);
  EXPECT_EQ(count_prefix("reconnect"), 0);
  EXPECT_EQ(ws.conns.size(), 1u);
  EXPECT_EQ(loop.timer_count(), 0u);
  // Once, though both the engine's error and its close report the failed open.
  EXPECT_EQ(count("error:TWINSOCK_ERR_CONNECT_REFUSED"), 1) << ::testing::PrintToString(log);
}

TEST_F(SioTest, a_bad_url_fails_once_without_reconnecting) {
  Manager& m = make(options(), "not a url");
  Socket& s = m.socket();
  watch(s);
  ConnectError err;
  subs.push_back(s.on_connect_error.once([&](const ConnectError& e) { err = e; }));
  loop.run_posted();
  advance(60s);
  // socket.io-client's order: the socket's connect_error, then the Manager's error.
  EXPECT_EQ(log, (std::vector<std::string>{"/ connect_error:transport error", "error:TWINSOCK_ERR_URL_BAD_SCHEME"}));
  EXPECT_EQ(err.detail, "bad URL: not a url");
  EXPECT_TRUE(ws.conns.empty());
  EXPECT_EQ(loop.timer_count(), 0u);
  s.disconnect();
}

TEST_F(SioTest, should_still_try_to_reconnect_twice_after_opening_another_socket_asynchronously) {
  ManagerOptions o = options();
  o.reconnection_attempts = 2;
  o.reconnection_delay = 10ms;
  Manager& m = make(std::move(o));
  m.socket("/room1");
  loop.run_posted();
  conn()->drop();
  advance(5ms);
  m.socket("/room2");  // while the reconnection timer runs: no extra attempt
  advance(5ms);
  conn()->drop();
  advance(20ms);
  conn()->drop();
  advance(1s);
  EXPECT_EQ(count_prefix("reconnect_attempt:"), 2);
  EXPECT_EQ(count("reconnect_failed"), 1);
  EXPECT_EQ(ws.conns.size(), 3u);
}

TEST_F(SioTest, should_use_overridden_set_timeout_by_default) {
  ManagerOptions o = options();
  o.timeout = 500ms;
  o.reconnection_delay_max = 100ms;
  Manager& m = make(std::move(o));
  m.socket("/foo");
  loop.run_posted();
  handshake();
  accept("/foo", "f");
  conn()->drop();
  advance(99ms);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 0);
  advance(1ms);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 1);
}

TEST_F(SioTest, should_reopen_a_cached_socket) {
  Socket& s = connected();
  s.disconnect();
  loop.run_posted();
  Socket& s2 = mgr->socket("/");
  EXPECT_EQ(&s2, &s);
  EXPECT_TRUE(s2.active());
  loop.run_posted();
  handshake("e2");
  accept("/", "s2");
  EXPECT_TRUE(s.connected());
}

TEST_F(SioTest, should_not_reopen_a_cached_but_active_socket) {
  Manager& m = make();
  subs.push_back(m.on_open.once([&] {
    Socket& a = m.socket("/");
    Socket& b = m.socket("/");
    EXPECT_EQ(&a, &b);
  }));
  m.open();
  loop.run_posted();
  handshake();
  EXPECT_EQ(sent(), V{"0"});  // one CONNECT, not one from the listener and one from the Manager
}

TEST_F(SioTest, should_not_reopen_an_already_active_socket) {
  Manager& m = make();
  Socket* s = nullptr;
  Socket* foo = nullptr;
  subs.push_back(m.on_open.once([&] {
    s = &m.socket("/");
    foo = &m.socket("/foo");
  }));
  m.open();
  loop.run_posted();
  handshake();
  accept("/", "s1");
  ASSERT_TRUE(s && foo);
  s->disconnect();
  foo->disconnect();
  loop.run_posted();
  EXPECT_EQ(sent(), (V{"0", "0/foo,", "1"}));  // one CONNECT each; /foo never connected: no DISCONNECT for it
}

TEST_F(SioTest, should_close_the_engine_upon_decoding_exception) {
  Socket& s = connected();
  eio::Socket* engine = mgr->engine();
  server("bad");
  EXPECT_EQ(count("/ disconnect:parse error"), 1);
  EXPECT_NE(mgr->engine(), engine);
  // The engine closes its transport, as socket.io-client's engine.close(): the server
  // hears of it (a close frame here, a close packet over polling) instead of timing out.
  EXPECT_EQ(conn()->close_calls.size(), 1u);
  conn()->finish_close();
  EXPECT_EQ(conn()->live, nullptr);  // the transport is gone
  advance(1s);
  handshake("e2");
  accept("/", "s2");
  EXPECT_EQ(count("reconnect:1"), 1);
  EXPECT_TRUE(s.connected());
}

// socket.io-client's Manager setters (reconnectionDelay(v), reconnection(false), ...): reconfigure().

ManagerOptions with_reconnection(const Manager& m, Duration delay, Duration delay_max) {
  ManagerOptions o = m.options();
  o.reconnection_delay = delay;
  o.reconnection_delay_max = delay_max;
  return o;
}

TEST_F(SioTest, reconfigured_delays_apply_to_the_next_attempts) {
  Socket& s = connected();
  mgr->reconfigure(with_reconnection(*mgr, 200ms, 300ms));
  EXPECT_EQ(mgr->options().reconnection_delay, 200ms);
  conn()->drop();
  advance(199ms);
  EXPECT_EQ(ws.conns.size(), 1u);
  advance(1ms);
  ASSERT_EQ(ws.conns.size(), 2u);  // attempt 1: 200 ms
  conn()->drop();                  // the attempt fails
  advance(299ms);
  EXPECT_EQ(ws.conns.size(), 2u);
  advance(1ms);
  ASSERT_EQ(ws.conns.size(), 3u);  // attempt 2: 400 ms, capped at 300
  handshake("e3");
  accept("/", "s3");
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(count("reconnect:2"), 1);
}

TEST_F(SioTest, reconfigured_reconnection_off_cancels_the_scheduled_attempt) {
  Socket& s = connected();
  conn()->drop();
  loop.run_posted();
  EXPECT_TRUE(mgr->options().reconnection);
  ManagerOptions o = mgr->options();
  o.reconnection = false;
  mgr->reconfigure(o);
  advance(10s);
  EXPECT_EQ(ws.conns.size(), 1u);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 0);
  EXPECT_EQ(mgr->state(), ManagerState::closed);
  EXPECT_TRUE(s.active());  // as socket.io-client: open() brings it back
  mgr->open();
  loop.run_posted();
  ASSERT_EQ(ws.conns.size(), 2u);
  handshake("e2");
  accept("/", "s2");
  EXPECT_TRUE(s.connected());
}

TEST_F(SioTest, reconfigured_attempts_count_the_attempts_already_made) {
  Manager& m = make(immediate_timeout(*this, 1000));
  m.socket("/timeout");
  subs.push_back(m.on_reconnect_attempt.once([&](std::uint32_t) {
    ManagerOptions o = m.options();
    o.reconnection_attempts = 3;
    m.reconfigure(o);
  }));
  advance(10s);
  EXPECT_EQ(count_prefix("reconnect_attempt:"), 3);
  EXPECT_EQ(count("reconnect_failed"), 1);
}

// socket.io-client reads `socket.io.opts` anew at each attempt: ManagerOptions::before_open.
TEST_F(SioTest, before_open_changes_the_handshake_of_every_attempt) {
  ManagerOptions o = options();
  int calls = 0;
  o.before_open = [&](eio::SocketOptions& engine) {
    engine.query = {{"token", "t" + std::to_string(++calls)}};
    engine.extra_headers = {{"x-attempt", std::to_string(calls)}};
  };
  Socket& s = connected(std::move(o));
  EXPECT_NE(ws.conns[0]->params.url.find("token=t1"), std::string::npos) << ws.conns[0]->params.url;
  conn()->drop();
  advance(1s);
  ASSERT_EQ(ws.conns.size(), 2u);
  EXPECT_EQ(calls, 2);
  EXPECT_NE(ws.conns[1]->params.url.find("token=t2"), std::string::npos) << ws.conns[1]->params.url;
  EXPECT_EQ(ws.conns[1]->params.url.find("token=t1"), std::string::npos) << ws.conns[1]->params.url;
  bool header = false;
  for (const Header& h : ws.conns[1]->params.headers) header |= h.name == "x-attempt" && h.value == "2";
  EXPECT_TRUE(header);
  handshake("e2");
  accept("/", "s2");
  EXPECT_TRUE(s.connected());
}

// socket.io-client's sockets subscribe to the Manager's "close" first: a user's
// listener of it finds them disconnected already.
TEST_F(SioTest, a_lost_connection_disconnects_the_sockets_before_the_manager_says_close) {
  Socket& s = connected();
  bool connected_in_close = true;
  subs.push_back(mgr->on_close.on([&](const std::string&) { connected_in_close = s.connected(); }));
  conn()->drop();
  loop.run_posted();
  const auto at = [&](const std::string& entry) { return std::find(log.begin(), log.end(), entry) - log.begin(); };
  ASSERT_EQ(count("close:transport error"), 1);
  EXPECT_LT(at("/ disconnect:transport error"), at("close:transport error"));
  EXPECT_FALSE(connected_in_close);
}

// The browser's "offline" event, reported by the Loop: closed now, not after the heartbeat.
TEST_F(SioTest, network_lost_closes_at_once_and_reconnects) {
  Socket& s = connected();
  loop.lose_network();
  EXPECT_TRUE(s.connected());  // reported on a later turn, never inside the caller's call
  loop.run_posted();
  EXPECT_EQ(count("/ disconnect:transport close"), 1);
  EXPECT_EQ(count("close:transport close"), 1);
  EXPECT_TRUE(s.active());
  mgr->network_lost();  // nothing left to close: a no-op
  advance(1s);
  ASSERT_EQ(ws.conns.size(), 2u);
  handshake("e2");
  accept("/", "s2");
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(count("reconnect:1"), 1);
}

// As engine.io-client: a localhost connection needs no network and ignores its loss.
TEST_F(SioTest, network_lost_leaves_a_localhost_connection_alone) {
  Socket& s = connected(options(), "http://localhost:3000");
  loop.lose_network();
  loop.run_posted();
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(count_prefix("/ disconnect"), 0);
  s.disconnect();
}

// socket.io-client: the last namespace's disconnect() closes the Manager, also while it is
// still opening: "close" ("forced close") all the same.
TEST_F(SioTest, disconnecting_the_last_namespace_while_opening_says_close_forced_close) {
  Manager& m = make();
  Socket& s = m.socket("/");
  ASSERT_EQ(m.state(), ManagerState::opening);
  s.disconnect();  // the last namespace: the Manager closes
  loop.run_posted();
  EXPECT_EQ(count("close:forced close"), 1);
  EXPECT_EQ(count_prefix("/ disconnect"), 0);  // it never connected
  m.close();
  loop.run_posted();
  EXPECT_EQ(count("close:forced close"), 1);
}


// A game that calls connect() from on_disconnect (as socket.io's docs show) gets a new
// connection at once; the reconnection scheduled after the listeners must not replace it
// later (it did: the open connection was dropped without a word, every second, for ever).
TEST_F(SioTest, connect_inside_on_disconnect_is_not_undone_by_a_later_reconnection) {
  Socket& s = connected();
  subs.push_back(s.on_disconnect.once([&](const std::string&) { s.connect(); }));
  conn()->drop();
  loop.run_posted();
  ASSERT_EQ(ws.conns.size(), 2u);  // connect() opened a new connection at once
  handshake("e2");
  accept("/", "s2");
  EXPECT_TRUE(s.connected());
  advance(30s);
  EXPECT_EQ(ws.conns.size(), 2u);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 0);
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(count("/ connect"), 2);
  EXPECT_EQ(count_prefix("/ disconnect"), 1);
}

TEST_F(SioTest, connect_inside_on_connect_error_is_not_undone_by_a_later_reconnection) {
  Manager& m = make();
  Socket& s = m.socket();
  watch(s);
  loop.run_posted();
  bool retried = false;
  subs.push_back(s.on_connect_error.on([&](const ConnectError&) {
    if (retried) return;
    retried = true;
    s.connect();
  }));
  conn()->drop();  // the first attempt fails
  loop.run_posted();
  ASSERT_TRUE(retried);
  ASSERT_EQ(ws.conns.size(), 2u);
  handshake("e2");
  accept("/", "s2");
  EXPECT_TRUE(s.connected());
  advance(30s);
  EXPECT_EQ(ws.conns.size(), 2u);
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(count_prefix("/ disconnect"), 0);
}

}  // namespace
}  // namespace twinsock::sio
