// socket.io-client test/socket.ts, retry.ts and connection-state-recovery.ts,
// plus the behaviours twinsock's sio/socket.hpp promises.
#include <algorithm>

#include "codec/sio/msgpack_parser.hpp"
#include "sio_test_fixture.hpp"

namespace twinsock::sio {
namespace {

using V = std::vector<std::string>;

/// Records every call of an ack callback.
struct AckLog {
  std::vector<std::pair<std::string, Args>> calls;
  AckCallback cb() {
    return [this](std::error_code ec, const Args& a) { calls.emplace_back(ec ? error_id(ec) : "ok", a); };
  }
  std::string only() const { return calls.size() == 1 ? calls[0].first : "calls=" + std::to_string(calls.size()); }
};

TEST_F(SioTest, should_have_an_accessible_socket_id_equal_to_the_server_side_socket_id_default_namespace) {
  Socket& s = connected();
  EXPECT_EQ(s.id(), "s1");
  ASSERT_NE(mgr->engine(), nullptr);
  EXPECT_NE(s.id(), mgr->engine()->id());
}

TEST_F(SioTest, should_have_an_accessible_socket_id_equal_to_the_server_side_socket_id_custom_namespace) {
  Socket& s = connected(options(), "http://example.com:3000/foo");
  EXPECT_EQ(s.nsp(), "/foo");
  EXPECT_EQ(sent(), V{"0/foo,"});
  EXPECT_EQ(s.id(), "s1");
}

TEST_F(SioTest, clears_socket_id_upon_disconnection) {
  Socket& s = connected();
  std::string id_in_handler = "unset";
  subs.push_back(s.on_disconnect.on([&](const std::string&) { id_in_handler = s.id(); }));
  s.disconnect();
  loop.run_posted();
  EXPECT_EQ(id_in_handler, "");
}

TEST_F(SioTest, doesnt_fire_an_error_event_if_we_force_disconnect_in_opening_state) {
  ManagerOptions o = options();
  o.timeout = 100ms;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  watch(s);
  s.disconnect();
  advance(300ms);
  EXPECT_EQ(count_prefix("error:"), 0) << ::testing::PrintToString(log);
  EXPECT_EQ(count_prefix("/ connect_error"), 0);
}

TEST_F(SioTest, fire_a_connect_error_event_when_the_connection_cannot_be_established) {
  Manager& m = make();
  Socket& s = m.socket();
  watch(s);
  ConnectError err;
  subs.push_back(s.on_connect_error.once([&](const ConnectError& e) { err = e; }));
  loop.run_posted();
  conn()->drop({.code = 1006, .error = errc::connect_refused, .detail = "ECONNREFUSED"});
  loop.run_posted();
  EXPECT_EQ(count_prefix("/ connect_error:"), 1);
  EXPECT_EQ(err.message, "transport error");
  EXPECT_EQ(err.code, errc::connect_refused);
  EXPECT_EQ(err.detail, "ECONNREFUSED");  // the engine's words, for the user
  s.disconnect();
}

TEST_F(SioTest, fire_a_connect_error_event_on_open_timeout_websocket) {
  ManagerOptions o = options();
  o.timeout = 0ms;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  ConnectError err;
  subs.push_back(s.on_connect_error.once([&](const ConnectError& e) { err = e; }));
  advance(0ms);
  EXPECT_EQ(err.code, errc::connect_timeout);
  EXPECT_EQ(err.message, "timeout");  // socket.io-client's words
}

TEST_F(SioTest, fire_a_connect_error_event_on_open_timeout_polling) {
  ManagerOptions o = options();
  o.engine.transports = {"polling"};
  o.timeout = 0ms;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  ConnectError err;
  subs.push_back(s.on_connect_error.once([&](const ConnectError& e) { err = e; }));
  advance(0ms);
  EXPECT_EQ(err.code, errc::connect_timeout);
  ASSERT_FALSE(http.calls.empty());
  EXPECT_TRUE(http.calls[0]->cancelled);  // the handshake GET was abandoned
  s.disconnect();
}

TEST_F(SioTest, doesnt_fire_a_connect_error_event_when_the_connection_is_already_established) {
  Socket& s = connected();
  (void)s;
  conn()->finish_close();
  advance(300ms);
  EXPECT_EQ(count_prefix("/ connect_error"), 0);
  EXPECT_EQ(count("/ disconnect:transport close"), 1);
}

TEST_F(SioTest, should_change_socket_id_upon_reconnection) {
  Socket& s = connected();
  std::string id_at_attempt = "unset";
  subs.push_back(mgr->on_reconnect_attempt.on([&](std::uint32_t) { id_at_attempt = s.id(); }));
  conn()->drop();
  advance(1s);
  EXPECT_EQ(id_at_attempt, "");
  handshake("e2");
  accept("/", "s2");
  EXPECT_EQ(s.id(), "s2");
}

TEST_F(SioTest, should_accept_a_query_string) {
  Socket& s = connected(options(), "http://example.com:3000/abc?b=c&d=e");
  EXPECT_EQ(s.nsp(), "/abc");
  EXPECT_NE(ws.conns[0]->params.url.find("b=c&d=e"), std::string::npos) << ws.conns[0]->params.url;
  EXPECT_EQ(ws.conns[0]->params.url.find("/abc"), std::string::npos) << ws.conns[0]->params.url;
}

TEST_F(SioTest, should_accept_an_object_auth) {
  ManagerOptions o = options();
  o.socket.auth = {{"a", "b"}, {"c", "d"}};
  connected(std::move(o), "http://example.com:3000/abc");
  EXPECT_EQ(sent(), V{"0/abc,{\"a\":\"b\",\"c\":\"d\"}"});
  EXPECT_EQ(conn()->params.url.find("a=b"), std::string::npos);
}

TEST_F(SioTest, should_accept_an_function_auth) {
  ManagerOptions o = options();
  o.socket.auth_provider = [](const std::function<void(nlohmann::json)>& done) { done({{"e", "f"}}); };
  connected(std::move(o), "http://example.com:3000/abc");
  EXPECT_EQ(sent(), V{"0/abc,{\"e\":\"f\"}"});
}

TEST_F(SioTest, an_auth_function_may_answer_later_and_connect_waits_for_it) {
  // socket.io-client's auth(cb) with a token fetched first: CONNECT goes when cb is called.
  ManagerOptions o = options();
  std::function<void(nlohmann::json)> pending;
  o.socket.auth_provider = [&](std::function<void(nlohmann::json)> done) { pending = std::move(done); };
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  watch(s);
  loop.run_posted();
  handshake();
  EXPECT_EQ(sent(), V{}) << "nothing before the auth function answers";
  ASSERT_TRUE(pending);
  auto answer = std::move(pending);
  answer({{"token", "late"}});
  EXPECT_EQ(sent(), V{"0{\"token\":\"late\"}"});
  answer({{"token", "twice"}});  // a second call is ignored
  EXPECT_EQ(sent(), V{"0{\"token\":\"late\"}"});
  accept("/", "s1");
  EXPECT_TRUE(s.connected());
  // An answer that comes after its connection was lost is dropped; the next attempt asks again.
  conn()->drop();
  advance(1s);
  handshake("e2");
  auto stale = std::move(pending);
  conn()->drop();
  stale({{"token", "stale"}});
  advance(2s);
  handshake("e3");
  EXPECT_EQ(sent(), V{});
  ASSERT_TRUE(pending);
  pending({{"token", "fresh"}});
  EXPECT_EQ(sent(), V{"0{\"token\":\"fresh\"}"});
}

TEST_F(SioTest, auth_provider_is_called_before_every_attempt) {
  ManagerOptions o = options();
  int calls = 0;
  o.socket.auth_provider = [&calls](const std::function<void(nlohmann::json)>& done) {
    done({{"token", "t" + std::to_string(++calls)}});
  };
  Socket& s = connected(std::move(o));
  EXPECT_EQ(sent(), V{"0{\"token\":\"t1\"}"});
  conn()->drop();
  advance(1s);
  handshake("e2");
  EXPECT_EQ(sent(), V{"0{\"token\":\"t2\"}"});
  accept("/", "s2");
  s.disconnect();
  loop.run_posted();
  s.connect();
  loop.run_posted();
  handshake("e3");
  EXPECT_EQ(sent(), V{"0{\"token\":\"t3\"}"});
  EXPECT_EQ(calls, 3);
}

TEST_F(SioTest, should_fire_an_error_event_on_middleware_failure_from_custom_namespace) {
  Manager& m = make(options(), "http://example.com:3000/no");
  Socket& s = m.socket();
  ConnectError err;
  int n = 0;
  subs.push_back(s.on_connect_error.on([&](const ConnectError& e) { err = e, ++n; }));
  loop.run_posted();
  handshake();
  server("4/no,{\"message\":\"Auth failed (custom namespace)\",\"data\":{\"reason\":\"x\",\"n\":1}}");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(err.message, "Auth failed (custom namespace)");
  EXPECT_EQ(err.data, (nlohmann::json{{"reason", "x"}, {"n", 1}}));
  EXPECT_EQ(err.code, errc::sio_connect_refused);
  EXPECT_FALSE(s.active());
}

TEST_F(SioTest, connect_error_with_a_string_payload_and_without_data) {
  Manager& m = make();
  Socket& s = m.socket();
  ConnectError err;
  subs.push_back(s.on_connect_error.on([&](const ConnectError& e) { err = e; }));
  loop.run_posted();
  handshake();
  server("4\"Not authorized\"");
  EXPECT_EQ(err.message, "Not authorized");
  EXPECT_TRUE(err.data.is_null());
}

TEST_F(SioTest, should_not_try_to_reconnect_after_a_middleware_failure) {
  Manager& m = make(options(), "http://example.com:3000/no");
  Socket& s = m.socket();
  watch(s);
  loop.run_posted();
  handshake();
  server("4/no,{\"message\":\"nope\"}");
  EXPECT_EQ(count("/no connect_error:nope"), 1);
  conn()->drop();  // force a reconnection of the engine
  advance(10s);
  EXPECT_EQ(count("/no connect_error:nope"), 1);
  EXPECT_EQ(count_prefix("/no connect"), 1);
}

TEST_F(SioTest, the_manager_closes_when_its_only_namespace_is_refused) {
  Manager& m = make();
  Socket& s = m.socket();
  loop.run_posted();
  handshake();
  server("4{\"message\":\"nope\"}");
  loop.run_posted();
  EXPECT_FALSE(s.active());
  // socket.io-client destroy() -> Manager._destroy: no namespace left, the connection closes.
  EXPECT_EQ(m.state(), ManagerState::closed);
}

TEST_F(SioTest, the_manager_closes_when_the_server_disconnects_its_only_namespace) {
  Socket& s = connected();
  server("1");
  EXPECT_EQ(count("/ disconnect:io server disconnect"), 1);
  EXPECT_FALSE(s.active());
  advance(10s);
  EXPECT_EQ(ws.conns.size(), 1u);
  EXPECT_EQ(mgr->state(), ManagerState::closed);  // ondisconnect() -> destroy() -> Manager._destroy
}

TEST_F(SioTest, should_properly_disconnect_then_reconnect) {
  Manager& m = make();
  Socket& s = m.socket();
  watch(s);
  int disconnects = 0;
  subs.push_back(s.on_disconnect.on([&](const std::string&) { ++disconnects; }));
  subs.push_back(s.on_connect.once([&] {
    s.disconnect();
    s.connect();
  }));
  loop.run_posted();
  handshake();
  accept("/", "s1");
  advance(100ms);
  ASSERT_EQ(ws.conns.size(), 2u);
  handshake("e2");
  accept("/", "s2");
  advance(100ms);
  EXPECT_EQ(disconnects, 1);
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(s.id(), "s2");
}

TEST_F(SioTest, should_throw_on_reserved_event) {
  Socket& s = connected();
  EXPECT_EQ(s.emit("disconnecting", Args{"goodbye"}), errc::invalid_argument);
  EXPECT_EQ(s.emit("connect"), errc::invalid_argument);
  EXPECT_EQ(sent(), V{"0"});
}

TEST_F(SioTest, should_emit_events_in_order) {
  ManagerOptions o = options();
  o.auto_connect = false;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  V order;
  subs.push_back(s.on_connect.on([&] {
    s.emit("echo", Args{"second"}, [&](std::error_code, const Args&) { order.push_back("second"); });
  }));
  s.emit("echo", Args{"first"}, [&](std::error_code, const Args&) { order.push_back("first"); });
  s.connect();
  loop.run_posted();
  handshake();
  accept("/", "s1");
  EXPECT_EQ(sent(), (V{"0", "21[\"echo\",\"first\"]", "22[\"echo\",\"second\"]"}));
  server("31[\"first\"]");
  server("32[\"second\"]");
  EXPECT_EQ(order, (V{"first", "second"}));
}

TEST_F(SioTest, should_emit_an_event_and_wait_for_the_acknowledgement) {
  Socket& s = connected();
  AckLog acks;
  ASSERT_FALSE(s.emit_with_ack("echo", 123, acks.cb()));
  EXPECT_EQ(sent().back(), "21[\"echo\",123]");
  server("31[123]");
  ASSERT_EQ(acks.only(), "ok");
  EXPECT_EQ(acks.calls[0].second, Args{123});
}

TEST_F(SioTest, emit_json_sends_the_arguments_text_as_it_is) {
  Socket& s = connected();
  ASSERT_FALSE(s.emit_json("ev", R"([1,{"b":2,"a":"x"}])"));
  EXPECT_EQ(sent().back(), R"(2["ev",1,{"b":2,"a":"x"}])");  // the caller's key order, not re-serialised
  ASSERT_FALSE(s.emit_json("none", " [ ] "));
  EXPECT_EQ(sent().back(), R"(2["none"])");
  ASSERT_FALSE(s.emit_json("q\"uote", "[ 1 ]"));
  EXPECT_EQ(sent().back(), R"(2["q\"uote", 1 ])");
  AckLog acks;
  ASSERT_FALSE(s.emit_json("echo", "[123]", acks.cb()));
  EXPECT_EQ(sent().back(), R"(21["echo",123])");
  server("31[123]");
  ASSERT_EQ(acks.only(), "ok");
  EXPECT_EQ(acks.calls[0].second, Args{123});
}

TEST_F(SioTest, emit_json_refuses_what_is_not_a_json_array) {
  Socket& s = connected();
  const std::size_t before = sent().size();
  for (const char* bad : {"", "{}", "1", "[1,", "[1] [2]", "[\"\\ud800\\u12\"]", "[\"\xff\"]"})
    EXPECT_EQ(s.emit_json("ev", bad), errc::invalid_argument) << bad;
  EXPECT_EQ(s.emit_json("connect", "[]"), errc::invalid_argument);  // reserved
  AckLog acks;
  EXPECT_EQ(s.emit_json("ev", "[", acks.cb()), errc::invalid_argument);
  EXPECT_EQ(sent().size(), before);
  EXPECT_EQ(s.pending(), 0u);  // no ack left waiting
}

TEST_F(SioTest, emit_json_sends_lone_surrogate_escapes_as_they_are) {
  // JSON.stringify writes "\ud83d" for a string cut inside a pair; socket.io-client sends it.
  Socket& s = connected();
  ASSERT_FALSE(s.emit_json("ev", R"(["a\ud83dz"])"));
  EXPECT_EQ(sent().back(), R"(2["ev","a\ud83dz"])");
}

TEST_F(SioTest, emit_json_is_read_into_args_where_they_are_needed) {
  Socket& s = connected(options(), "http://example.com:3000/chat");
  V outgoing;
  {
    auto sub = s.on_any_outgoing([&](const std::string& e, const Args& a) { outgoing.push_back(e + a.dump()); });
    ASSERT_FALSE(s.emit_json("seen", R"([{"b":1,"a":2}])"));
  }
  EXPECT_EQ(outgoing, V{R"(seen[{"a":2,"b":1}])"});
  EXPECT_EQ(sent().back(), R"(2/chat,["seen",{"a":2,"b":1}])");  // through the tree: sorted keys
  ASSERT_FALSE(s.emit_json("fast", "[2]"));
  EXPECT_EQ(sent().back(), R"(2/chat,["fast",2])");
}

TEST_F(SioTest, emit_json_waits_in_the_send_buffer_while_disconnected) {
  Manager& m = make();
  Socket& s = m.socket();
  ASSERT_FALSE(s.emit_json("early", R"([1,"a"])"));
  loop.run_posted();
  handshake();
  accept("/", "s1");
  EXPECT_EQ(sent().back(), R"(2["early",1,"a"])");
}

TEST_F(SioTest, should_emit_with_an_ack_and_a_timeout) {
  Socket& s = connected();
  AckLog acks;
  ASSERT_FALSE(s.emit("echo", 1, acks.cb(), {.timeout = 50ms}));
  advance(49ms);
  server("31[1]");
  EXPECT_EQ(acks.only(), "ok");
  advance(1s);
  EXPECT_EQ(acks.calls.size(), 1u);
}

TEST_F(SioTest, should_discard_a_volatile_packet_when_the_socket_is_not_connected) {
  ManagerOptions o = options();
  o.auto_connect = false;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  AckLog vol, normal;
  s.emit("getId", Args::array(), vol.cb(), {.is_volatile = true});
  s.emit("getId", Args::array(), normal.cb());
  s.connect();
  loop.run_posted();
  handshake();
  accept("/", "s1");
  EXPECT_EQ(sent(), (V{"0", "22[\"getId\"]"}));
  server("32[\"s1\"]");
  EXPECT_EQ(normal.only(), "ok");
  EXPECT_TRUE(vol.calls.empty());
}

TEST_F(SioTest, should_not_buffer_volatile_events) {
  Socket& s = connected();
  conn()->drop();
  loop.run_posted();
  s.emit("v", 1, {.is_volatile = true});
  s.emit("n", 2);
  advance(1s);
  handshake("e2");
  accept("/", "s2");
  EXPECT_EQ(sent(), (V{"0", "2[\"n\",2]"}));
}

TEST_F(SioTest, should_buffer_events_when_disconnected) {
  Socket& s = connected();
  conn()->drop();
  loop.run_posted();
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(s.emit("e", i));
  advance(1s);
  handshake("e2");
  EXPECT_EQ(sent(), V{"0"});  // nothing before CONNECT
  accept("/", "s2");
  EXPECT_EQ(sent(), (V{"0", "2[\"e\",0]", "2[\"e\",1]", "2[\"e\",2]"}));
}

TEST_F(SioTest, the_send_buffer_lists_what_waits_oldest_first) {
  Socket& s = connected();
  EXPECT_TRUE(s.send_buffer().empty());
  conn()->drop();
  loop.run_posted();
  ASSERT_FALSE(s.emit("a", 1));
  ASSERT_FALSE(s.emit_json("b", R"([2,"x"])"));
  const auto list = s.send_buffer();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].data, Args::parse(R"(["a",1])"));
  EXPECT_EQ(list[1].data, Args::parse(R"(["b",2,"x"])"));
  EXPECT_NE(list[0].seq, list[1].seq);
  advance(1s);
  handshake("e2");
  accept("/", "s2");
  EXPECT_TRUE(s.send_buffer().empty());  // flushed
}

TEST_F(SioTest, discarding_the_send_buffer_drops_its_emits_and_fails_their_acks_later) {
  Socket& s = connected();
  conn()->drop();
  loop.run_posted();
  AckLog acks;
  ASSERT_FALSE(s.emit("a", 1, acks.cb(), {.timeout = 5s}));
  ASSERT_FALSE(s.emit("b", 2));
  EXPECT_EQ(s.pending(), 2u);
  EXPECT_EQ(s.discard_buffered(), 2u);
  EXPECT_TRUE(s.send_buffer().empty());
  EXPECT_EQ(s.pending(), 0u);
  EXPECT_TRUE(acks.calls.empty());  // a user call: its acks hear of it on a later turn
  loop.run_posted();
  EXPECT_EQ(acks.only(), "TWINSOCK_ERR_EMIT_DISCARDED");
  advance(6s);  // its timeout went with it
  EXPECT_EQ(acks.calls.size(), 1u);
  handshake("e2");
  accept("/", "s2");
  EXPECT_EQ(sent(), V{"0"});  // nothing of them goes out
  ASSERT_FALSE(s.emit("c", 3));  // the socket emits as before
  EXPECT_EQ(sent(), (V{"0", "2[\"c\",3]"}));
}

TEST_F(SioTest, discard_buffered_drops_only_what_the_filter_picks) {
  Socket& s = connected();
  conn()->drop();
  loop.run_posted();
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(s.emit(i % 2 ? "move" : "chat", i));
  const auto list = s.send_buffer();
  const std::uint64_t keep = list[2].seq;  // chat 2
  EXPECT_EQ(s.discard_buffered([](std::uint64_t, const Args& data) { return data[0] == "move"; }), 2u);
  EXPECT_EQ(s.discard_buffered([keep](std::uint64_t seq, const Args&) { return seq != keep; }), 1u);
  advance(1s);
  handshake("e2");
  accept("/", "s2");
  EXPECT_EQ(sent(), (V{"0", "2[\"chat\",2]"}));
}

TEST_F(SioTest, pending_counts_each_emit_once) {
  Socket& s = connected();
  conn()->drop();
  loop.run_posted();
  AckLog acks;
  ASSERT_FALSE(s.emit("plain", 1));
  ASSERT_FALSE(s.emit("acked", 2, acks.cb()));  // buffered and awaiting its ack: one emit
  EXPECT_EQ(s.pending(), 2u);
  advance(1s);
  handshake("e2");
  accept("/", "s2");
  EXPECT_EQ(s.pending(), 1u);  // sent; the ack is still owed
  server("31[]");
  EXPECT_EQ(s.pending(), 0u);
}

TEST_F(SioTest, pending_counts_the_retries_queue_head_once) {
  ManagerOptions o = options();
  o.socket.retries = 2;
  Socket& s = connected(std::move(o));
  AckLog acks;
  s.emit("first", 1, acks.cb());  // in flight: awaiting its ack
  s.emit("second", 2, acks.cb());  // waits behind it
  EXPECT_EQ(s.pending(), 2u);
  server("31[]");
  EXPECT_EQ(s.pending(), 1u);
  server("32[]");
  EXPECT_EQ(s.pending(), 0u);
}

TEST_F(SioTest, the_send_buffer_is_bounded) {
  ManagerOptions o = options();
  o.auto_connect = false;
  o.socket.max_buffered_packets = 2;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  EXPECT_FALSE(s.emit("a"));
  EXPECT_FALSE(s.emit("b"));
  AckLog acks;
  EXPECT_EQ(s.emit("c", Args::array(), acks.cb()), errc::queue_full);
  advance(1s);
  EXPECT_TRUE(acks.calls.empty());  // refused synchronously: the error code is the answer
}

TEST_F(SioTest, should_discard_a_volatile_packet_when_the_pipe_is_not_ready) {
  // Polling: while a POST is in flight the transport is not writable.
  ManagerOptions o = options();
  o.engine.transports = {"polling"};
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  loop.run_posted();
  testing::HttpCall* get = http.pending("GET");
  ASSERT_NE(get, nullptr);
  get->ok(eio_open("p1"));
  loop.run_posted();
  testing::HttpCall* post = http.pending("POST");
  ASSERT_NE(post, nullptr);  // CONNECT
  EXPECT_EQ(post->request.body, "40");
  post->ok("ok");
  loop.run_posted();
  testing::HttpCall* poll = http.pending("GET");
  ASSERT_NE(poll, nullptr);
  poll->ok("40{\"sid\":\"s1\"}");
  loop.run_posted();
  ASSERT_TRUE(s.connected());
  AckLog normal, vol;
  s.emit("getId", Args::array(), normal.cb());
  s.emit("getId", Args::array(), vol.cb(), {.is_volatile = true});  // the first POST is in flight
  loop.run_posted();
  post = http.pending("POST");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->request.body, "421[\"getId\"]");
  post->ok("ok");
  loop.run_posted();
  http.pending("GET")->ok("431[\"s1\"]");
  loop.run_posted();
  EXPECT_EQ(normal.only(), "ok");
  EXPECT_TRUE(vol.calls.empty());
  EXPECT_EQ(http.all("POST").size(), 2u);
  mgr.reset();
}

TEST_F(SioTest, should_send_a_volatile_packet_when_the_socket_is_connected_and_the_pipe_is_ready) {
  Socket& s = connected();
  AckLog vol;
  ASSERT_FALSE(s.emit("getId", Args::array(), vol.cb(), {.is_volatile = true}));
  EXPECT_EQ(sent().back(), "21[\"getId\"]");
  server("31[\"s1\"]");
  EXPECT_EQ(vol.only(), "ok");
}

TEST_F(SioTest, a_dropped_volatile_emit_with_a_timeout_still_calls_its_ack) {
  ManagerOptions o = options();
  o.auto_connect = false;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  AckLog vol;
  s.emit("x", Args::array(), vol.cb(), {.timeout = 50ms, .is_volatile = true});
  advance(100ms);
  // socket.io-client keeps the dropped packet's ack registered, and it times out.
  EXPECT_EQ(vol.only(), "TWINSOCK_ERR_ACK_TIMEOUT");
}

TEST_F(SioTest, on_any_should_call_listener) {
  Socket& s = connected();
  V got;
  auto sub = s.on_any([&](const std::string& e, const Args& a) { got.push_back(e + a.dump()); });
  server("2[\"handshake\",{\"a\":1}]");
  EXPECT_EQ(got, V{"handshake[{\"a\":1}]"});
}

TEST_F(SioTest, on_any_should_prepend_listener) {
  Socket& s = connected();
  V order;
  auto a = s.on_any([&](const std::string&, const Args&) { order.push_back("any"); });
  auto b = s.prepend_any([&](const std::string&, const Args&) { order.push_back("p1"); });
  auto c = s.prepend_any([&](const std::string&, const Args&) { order.push_back("p0"); });
  auto d = s.on("x", [&](const Args&, const Reply&) { order.push_back("on"); });
  server("2[\"x\"]");
  EXPECT_EQ(order, (V{"p0", "p1", "any", "on"}));
}

TEST_F(SioTest, on_any_should_remove_listener) {
  Socket& s = connected();
  int a = 0, b = 0;
  auto sa = s.on_any([&](const std::string&, const Args&) { ++a; });
  auto sb = s.on_any([&](const std::string&, const Args&) { ++b; });
  sa.reset();
  server("2[\"x\"]");
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 1);
  s.off_any();
  server("2[\"x\"]");
  EXPECT_EQ(b, 1);
  auto sc = s.on_any([&](const std::string&, const Args&) { ++a; });
  server("2[\"x\"]");
  EXPECT_EQ(a, 1);
}

TEST_F(SioTest, on_any_outgoing_should_call_listener) {
  Socket& s = connected();
  V got;
  auto sub = s.on_any_outgoing([&](const std::string& e, const Args& a) { got.push_back(e + a.dump()); });
  s.emit("my-event", "123");
  EXPECT_EQ(got, V{"my-event[\"123\"]"});
}

TEST_F(SioTest, on_any_outgoing_should_call_listener_with_binary_data) {
  Socket& s = connected();
  Args got;
  auto sub = s.on_any_outgoing([&](const std::string&, const Args& a) { got = a; });
  s.emit("my-event", Args::binary({1, 2, 3}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].is_binary());
  EXPECT_EQ(sent().back(), "51-[\"my-event\",{\"_placeholder\":true,\"num\":0}]");
  EXPECT_EQ(conn()->sent.back(), std::string("bin:\x01\x02\x03", 7));
}

TEST_F(SioTest, on_any_outgoing_should_remove_listener_and_fire_for_buffered_packets_on_flush) {
  Manager& m = make();
  Socket& s = m.socket();
  int n = 0;
  auto sub = s.on_any_outgoing([&](const std::string&, const Args&) { ++n; });
  s.emit("a");
  EXPECT_EQ(n, 0);  // buffered: reported when it really goes out
  loop.run_posted();
  handshake();
  accept("/", "s1");
  EXPECT_EQ(n, 1);
  sub.reset();
  s.emit("b");
  EXPECT_EQ(n, 1);
}

TEST_F(SioTest, should_timeout_after_the_given_delay_when_socket_is_not_connected) {
  ManagerOptions o = options();
  o.auto_connect = false;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  AckLog acks;
  s.emit("event", Args::array(), acks.cb(), {.timeout = 50ms});
  advance(50ms);
  EXPECT_EQ(acks.only(), "TWINSOCK_ERR_ACK_TIMEOUT");
  s.connect();
  loop.run_posted();
  handshake();
  accept("/", "s1");
  EXPECT_EQ(sent(), V{"0"});  // removed from the send buffer
}

TEST_F(SioTest, should_timeout_when_the_server_does_not_acknowledge_the_event) {
  Socket& s = connected();
  AckLog acks;
  s.emit("unknown", Args::array(), acks.cb(), {.timeout = 50ms});
  advance(49ms);
  EXPECT_TRUE(acks.calls.empty());
  advance(1ms);
  EXPECT_EQ(acks.only(), "TWINSOCK_ERR_ACK_TIMEOUT");
}

TEST_F(SioTest, should_timeout_when_the_server_does_not_acknowledge_the_event_in_time) {
  Socket& s = connected();
  AckLog acks;
  s.emit("echo", 42, acks.cb(), {.timeout = 0ms});
  advance(0ms);
  server("31[42]");  // too late: ignored
  advance(200ms);
  EXPECT_EQ(acks.only(), "TWINSOCK_ERR_ACK_TIMEOUT");
}

TEST_F(SioTest, should_not_timeout_when_the_server_does_acknowledge_the_event) {
  Socket& s = connected();
  AckLog acks;
  s.emit_with_ack("echo", 42, acks.cb(), {.timeout = 50ms});
  server("31[42]");
  advance(1s);
  ASSERT_EQ(acks.only(), "ok");
  EXPECT_EQ(acks.calls[0].second, Args{42});
}

TEST_F(SioTest, should_timeout_when_the_server_does_not_acknowledge_the_event_promise) {
  Socket& s = connected();
  AckLog acks;
  s.emit_with_ack("unknown", Args::array(), acks.cb(), {.timeout = 50ms});
  advance(50ms);
  EXPECT_EQ(acks.only(), "TWINSOCK_ERR_ACK_TIMEOUT");
}

TEST_F(SioTest, should_use_the_default_timeout_value) {
  ManagerOptions o = options();
  o.socket.ack_timeout = 50ms;
  Socket& s = connected(std::move(o));
  AckLog acks;
  s.emit("unknown", Args::array(), acks.cb());
  advance(50ms);
  EXPECT_EQ(acks.only(), "TWINSOCK_ERR_ACK_TIMEOUT");
}

TEST_F(SioTest, should_fail_pending_acks_on_disconnect_not_silently_drop_them) {
  Socket& s = connected();
  AckLog plain, timed, promise;
  s.emit("echo", "a", plain.cb());
  s.emit("echo", "b", timed.cb(), {.timeout = 10s});
  s.emit_with_ack("echo", "c", promise.cb());
  s.disconnect();
  loop.run_posted();
  EXPECT_EQ(plain.only(), "TWINSOCK_ERR_NOT_CONNECTED");
  EXPECT_EQ(timed.only(), "TWINSOCK_ERR_NOT_CONNECTED");
  EXPECT_EQ(promise.only(), "TWINSOCK_ERR_NOT_CONNECTED");
  advance(20s);
  EXPECT_EQ(timed.calls.size(), 1u);
}

TEST_F(SioTest, should_ack_with_an_error_upon_disconnection_transport_close) {
  Socket& s = connected();
  AckLog acks;
  s.emit("echo", "a", acks.cb(), {.timeout = 10s});
  V order;
  subs.push_back(s.on_disconnect.on([&](const std::string&) { order.push_back("disconnect:" + std::to_string(acks.calls.size())); }));
  conn()->drop();
  loop.run_posted();
  EXPECT_EQ(acks.only(), "TWINSOCK_ERR_NOT_CONNECTED");
  EXPECT_EQ(order, V{"disconnect:0"});  // socket.io-client: disconnect, then _clearAcks
}

TEST_F(SioTest, should_not_discard_an_unsent_ack_callback) {
  Socket& s = connected();
  AckLog acks;
  s.disconnect();
  // The packet is buffered and sent upon reconnection.
  s.emit("echo", "a", acks.cb());
  advance(100ms);
  EXPECT_TRUE(acks.calls.empty());  // not failed by the disconnect() made before it
  s.connect();
  loop.run_posted();
  handshake("e2");
  accept("/", "s2");
  EXPECT_EQ(sent(), (V{"0", "21[\"echo\",\"a\"]"}));
  server("31[\"a\"]");
  EXPECT_EQ(acks.only(), "ok");
}

TEST_F(SioTest, events_received_before_connect_are_delivered_after_it) {
  Manager& m = make();
  Socket& s = m.socket();
  V order;
  subs.push_back(s.on_connect.on([&] { order.push_back("connect"); }));
  auto sub = s.on("early", [&](const Args&, const Reply&) { order.push_back("early:" + std::to_string(s.connected())); });
  loop.run_posted();
  handshake();
  server("2[\"early\"]");
  EXPECT_TRUE(order.empty());
  accept("/", "s1");
  EXPECT_EQ(order, (V{"early:1", "connect"}));
}

TEST_F(SioTest, events_received_before_connect_go_with_a_manager_the_user_closes) {
  Manager& m = make();
  Socket& s = m.socket();
  V order;
  subs.push_back(s.on_connect.on([&] { order.push_back("connect"); }));
  auto sub = s.on("early", [&](const Args&, const Reply&) { order.push_back("early"); });
  loop.run_posted();
  handshake();
  server("2[\"early\"]");
  m.close();  // that session's events are gone with it
  loop.run_posted();
  s.connect();
  loop.run_posted();
  handshake("e2");
  accept("/", "s2");
  EXPECT_EQ(order, (V{"connect"}));
}

TEST_F(SioTest, disconnect_reasons_are_verbatim) {
  Socket& s = connected();
  V causes;  // Manager::close_cause() as each disconnect sees it
  subs.push_back(s.on_disconnect.on([&](const std::string&) {
    const CloseCause& c = mgr->close_cause();
    causes.push_back(c.code ? std::string(error_id(c.code)) + (c.detail.empty() ? "" : " (detail)") : "-");
  }));
  conn()->finish_close();
  loop.run_posted();
  advance(1s);
  handshake("e2");
  accept("/", "s2");
  conn()->drop();
  advance(1s);
  handshake("e3");
  accept("/", "s3");
  server("bad");
  advance(1s);
  handshake("e4");
  accept("/", "s4");
  conn()->text("1");  // Engine.IO close from the server
  advance(1s);
  handshake("e5");
  accept("/", "s5");
  advance(45s);  // no ping
  advance(1s);
  handshake("e6");
  accept("/", "s6");
  server("1");  // the only namespace left: the Manager closes the connection too
  EXPECT_EQ(mgr->state(), ManagerState::closed);
  s.connect();
  loop.run_posted();
  handshake("e7");
  accept("/", "s7");
  s.disconnect();
  loop.run_posted();
  V want{"/ disconnect:transport close", "/ disconnect:transport error", "/ disconnect:parse error",
         "/ disconnect:transport close", "/ disconnect:ping timeout", "/ disconnect:io server disconnect",
         "/ disconnect:io client disconnect"};
  V got;
  for (const auto& e : log)
    if (e.rfind("/ disconnect:", 0) == 0) got.push_back(e);
  EXPECT_EQ(got, want) << ::testing::PrintToString(log);
  EXPECT_EQ(count("/ connect"), 7);
  // A lost connection says why, with a detail; the server's and the user's disconnects have no cause.
  EXPECT_EQ(causes, (V{"TWINSOCK_ERR_CONNECTION_CLOSED (detail)", "TWINSOCK_ERR_CONNECTION_RESET (detail)",
                       "TWINSOCK_ERR_SIO_BAD_PACKET_TYPE (detail)", "TWINSOCK_ERR_CLOSED_BY_SERVER (detail)",
                       "TWINSOCK_ERR_PING_TIMEOUT (detail)", "-", "-"}));
}

TEST_F(SioTest, ping_timeout_disconnects_with_ping_timeout_and_reconnects) {
  Socket& s = connected();
  advance(20s);
  conn()->text("2");  // a ping: deadline moves
  loop.run_posted();
  EXPECT_EQ(control(), V{"3"});
  EXPECT_EQ(count("ping"), 1);
  advance(44999ms);
  EXPECT_TRUE(s.connected());
  advance(1ms);
  EXPECT_EQ(count("/ disconnect:ping timeout"), 1);
  EXPECT_EQ(count("close:ping timeout"), 1);
  advance(1s);
  ASSERT_EQ(ws.conns.size(), 2u);
  handshake("e2");
  accept("/", "s2");
  EXPECT_TRUE(s.connected());
}

// The machine slept: socket.io-client's `connected && !engine._hasPingExpired()`
// fails, so the packet waits in the send buffer for the next connection.
class SioSleepTest : public SioTest {
 protected:
  void emit_after_a_sleep_waits_for_the_next_connection(
      const std::function<std::error_code(Socket&, AckLog&)>& emit) {
    Socket& s = connected();
    AckLog acks;
    loop.jump(std::chrono::hours(1));
    EXPECT_FALSE(emit(s, acks));
    loop.run_posted();
    EXPECT_EQ(count("/ disconnect:ping timeout"), 1);
    EXPECT_TRUE(acks.calls.empty()) << "a buffered packet's ack is not failed by the disconnect";
    advance(1s);
    ASSERT_EQ(ws.conns.size(), 2u);
    handshake("e2");
    accept("/", "s2");
    EXPECT_EQ(sent(), (V{"0", "21[\"echo\",1]"}));
    server("31[1]");
    EXPECT_EQ(acks.only(), "ok");
  }
};

TEST_F(SioSleepTest, the_clock_jumping_forward_is_noticed_on_the_next_emit_which_waits_for_the_next_connection) {
  emit_after_a_sleep_waits_for_the_next_connection([](Socket& s, AckLog& acks) { return s.emit("echo", 1, acks.cb()); });
}

TEST_F(SioSleepTest, emit_json_after_the_clock_jumped_forward_waits_for_the_next_connection_too) {
  emit_after_a_sleep_waits_for_the_next_connection(
      [](Socket& s, AckLog& acks) { return s.emit_json("echo", "[1]", acks.cb()); });
}

// The deadline is judged when the emit starts (socket.io-client's emit), not again once the
// packet is built: encoding a 30 MB argument took longer than the heartbeat window left,
// and the engine's own check closed a live session, its attachments never sent.
TEST_F(SioSleepTest, time_spent_building_the_packet_does_not_count_against_the_server) {
  Socket& s = connected();
  auto sub = s.on_any_outgoing([&](const std::string&, const Args&) { loop.jump(std::chrono::hours(1)); });
  EXPECT_FALSE(s.emit("my-event", Args::binary({1, 2, 3})));
  EXPECT_EQ(sent().back(), "51-[\"my-event\",{\"_placeholder\":true,\"num\":0}]");
  EXPECT_EQ(conn()->sent.back(), std::string("bin:\x01\x02\x03", 7));
  loop.run_posted();
  EXPECT_EQ(count("/ disconnect:ping timeout"), 0) << "not judged by the emit after its check";
}

TEST_F(SioTest, a_namespace_connect_that_is_never_answered_times_out) {
  ManagerOptions o = options();
  o.timeout = 1s;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  watch(s);
  loop.run_posted();
  handshake();
  advance(999ms);  // the server never answers CONNECT
  EXPECT_EQ(count_prefix("/ connect_error"), 0);
  advance(1ms);
  EXPECT_EQ(count("/ connect_error:timeout"), 1);
  EXPECT_FALSE(s.active());
  EXPECT_EQ(m.state(), ManagerState::closed);  // its only namespace gave up
}

// Found by the simulation (tests/sim): after a CONNECT timed out, connect() on the
// still-open connection sent nothing and the socket waited forever.
TEST_F(SioTest, connect_after_a_namespace_connect_timed_out_sends_a_new_connect) {
  ManagerOptions o = options();
  o.timeout = 1s;
  Manager& m = make(std::move(o));
  m.socket();  // keeps the connection open
  Socket& s = m.socket("/chat");
  watch(s);
  loop.run_posted();
  handshake();
  accept("/", "s1");
  advance(1s);  // the server never answers CONNECT /chat
  EXPECT_EQ(count("/chat connect_error:timeout"), 1);
  ASSERT_EQ(m.state(), ManagerState::open);
  s.connect();
  EXPECT_EQ(sent(), (V{"0", "0/chat,", "0/chat,"}));
  accept("/chat", "c1");
  EXPECT_TRUE(s.connected());
}

// ---- retry.ts -------------------------------------------------------------

TEST_F(SioTest, should_preserve_the_order_of_the_packets) {
  ManagerOptions o = options();
  o.socket.retries = 1;
  o.socket.ack_timeout = 50ms;
  Socket& s = connected(std::move(o));
  V order;
  s.emit("echo", 1, [&](std::error_code ec, const Args&) { order.push_back("1:" + std::to_string(!ec)); });
  s.emit("echo", 2, [&](std::error_code ec, const Args&) { order.push_back("2:" + std::to_string(!ec)); });
  s.emit("echo", 3, [&](std::error_code ec, const Args& a) { order.push_back("3:" + std::to_string(!ec) + a.dump()); });
  EXPECT_EQ(sent(), (V{"0", "21[\"echo\",1]"}));  // one in flight at a time
  server("31[1]");
  EXPECT_EQ(sent().back(), "22[\"echo\",2]");
  server("32[2]");
  server("33[3]");
  EXPECT_EQ(sent(), (V{"0", "21[\"echo\",1]", "22[\"echo\",2]", "23[\"echo\",3]"}));
  EXPECT_EQ(order, (V{"1:1", "2:1", "3:1[3]"}));
}

// Found by the simulation (tests/sim): destroying the Manager from on_any_outgoing
// while the retries queue sent its head wrote to the destroyed Socket (ASan).
TEST_F(SioTest, the_manager_may_be_destroyed_by_on_any_outgoing_during_a_retried_emit) {
  ManagerOptions o = options();
  o.socket.retries = 1;
  Socket& s = connected(std::move(o));
  int outgoing = 0;
  auto sub = s.on_any_outgoing([&](const std::string&, const Args&) {
    ++outgoing;
    mgr.reset();
  });
  s.emit("x", 1);
  loop.run_posted();
  EXPECT_EQ(outgoing, 1);
  EXPECT_EQ(mgr, nullptr);
}

TEST_F(SioTest, should_fail_when_the_server_does_not_acknowledge_the_packet) {
  ManagerOptions o = options();
  o.socket.retries = 3;
  o.socket.ack_timeout = 50ms;
  Socket& s = connected(std::move(o));
  AckLog acks;
  s.emit("ack", Args::array(), acks.cb());
  advance(1s);
  EXPECT_EQ(sent(), (V{"0", "21[\"ack\"]", "22[\"ack\"]", "23[\"ack\"]", "24[\"ack\"]"}));
  EXPECT_EQ(acks.only(), "TWINSOCK_ERR_ACK_TIMEOUT");
}

TEST_F(SioTest, should_not_drain_the_queue_while_the_socket_is_disconnected) {
  ManagerOptions o = options();
  o.auto_connect = false;
  o.socket.retries = 3;
  o.socket.ack_timeout = 10ms;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  AckLog acks;
  s.emit("echo", 1, acks.cb());
  advance(100ms);
  EXPECT_TRUE(acks.calls.empty());
  s.connect();
  loop.run_posted();
  handshake();
  accept("/", "s1");
  EXPECT_EQ(sent(), (V{"0", "21[\"echo\",1]"}));
  server("31[1]");
  EXPECT_EQ(acks.only(), "ok");
}

TEST_F(SioTest, should_emit_events_with_retries_in_order) {
  ManagerOptions o = options();
  o.socket.retries = 2;
  Socket& s = connected(std::move(o));
  V order;
  for (int i = 1; i <= 3; ++i)
    s.emit("e", i, [&order, i](std::error_code ec, const Args&) { order.push_back(std::to_string(i) + (ec ? "x" : "")); });
  EXPECT_EQ(sent(), (V{"0", "21[\"e\",1]"}));
  conn()->drop();  // in flight: resent after the reconnection (at-least-once)
  advance(1s);
  handshake("e2");
  accept("/", "s2");
  EXPECT_EQ(sent(), (V{"0", "22[\"e\",1]"}));
  server("32[]");
  server("33[]");
  server("34[]");
  EXPECT_EQ(sent(), (V{"0", "22[\"e\",1]", "23[\"e\",2]", "24[\"e\",3]"}));
  EXPECT_EQ(order, (V{"1", "2", "3"}));
}

// ---- connection-state-recovery.ts -----------------------------------------

TEST_F(SioTest, should_have_an_accessible_socket_id_equal_to_the_server_side_socket_id_after_recovery) {
  Manager& m = make();
  Socket& s = m.socket();
  watch(s);
  EXPECT_FALSE(s.recovered());
  loop.run_posted();
  handshake();
  accept("/", "s1", "p1");
  EXPECT_FALSE(s.recovered());
  Args got;
  auto sub = s.on("hi", [&](const Args& a, const Reply&) { got = a; });
  server("2[\"hi\",\"off-7\"]");
  // The offset is kept for the next CONNECT and left to the listeners, as socket.io-client
  // does: a volatile event has none, and its own last argument looks the same.
  EXPECT_EQ(got, Args::array({"off-7"})) << got.dump();
  conn()->drop();
  advance(1s);
  handshake("e2");
  EXPECT_EQ(sent(), V{"0{\"offset\":\"off-7\",\"pid\":\"p1\"}"});
  accept("/", "s1", "p1");
  EXPECT_EQ(s.id(), "s1");
  EXPECT_TRUE(s.recovered());
}

TEST_F(SioTest, events_before_a_connect_answer_the_link_lost_are_not_dispatched_twice) {
  // A recovering server sends what the client missed before its CONNECT answer. When the
  // link dies in between, the next CONNECT carries the same offset and they come again.
  Manager& m = make();
  Socket& s = m.socket();
  loop.run_posted();
  handshake();
  accept("/", "s1", "p1");
  V got;
  auto sub = s.on("tick", [&](const Args& a, const Reply&) { got.push_back(a.dump()); });
  server("2[\"tick\",1,\"off-1\"]");
  conn()->drop();
  advance(1s);
  handshake("e2");
  EXPECT_EQ(sent(), V{"0{\"offset\":\"off-1\",\"pid\":\"p1\"}"});
  server("2[\"tick\",2,\"off-2\"]");  // missed while away; the CONNECT answer would follow...
  conn()->drop();                    // ...but the link goes first
  advance(5s);
  handshake("e3");
  EXPECT_EQ(sent(), V{"0{\"offset\":\"off-1\",\"pid\":\"p1\"}"}) << "nothing was dispatched: the offset stays";
  server("2[\"tick\",2,\"off-2\"]");
  accept("/", "s1", "p1");
  EXPECT_TRUE(s.recovered());
  EXPECT_EQ(got, (V{"[1,\"off-1\"]", "[2,\"off-2\"]"}));
}

TEST_F(SioTest, connection_state_recovery_merges_pid_into_auth_and_reports_failure) {
  ManagerOptions o = options();
  o.socket.auth = {{"token", "t"}};
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  loop.run_posted();
  handshake();
  accept("/", "s1", "p1");
  conn()->drop();
  advance(1s);
  handshake("e2");
  EXPECT_EQ(sent(), V{"0{\"pid\":\"p1\",\"token\":\"t\"}"});  // no event seen yet: no offset
  accept("/", "s9", "p9");  // the server could not restore the session
  EXPECT_FALSE(s.recovered());
  EXPECT_EQ(s.id(), "s9");
  conn()->drop();
  advance(1s);
  handshake("e3");
  EXPECT_EQ(sent(), V{"0{\"pid\":\"p9\",\"token\":\"t\"}"});
}

}  // namespace
}  // namespace twinsock::sio

namespace twinsock::sio {
namespace {

TEST_F(SioTest, a_connect_answer_arriving_after_disconnect_is_ignored) {
  Manager& m = make();
  Socket& a = m.socket("/a");
  Socket& b = m.socket("/b");
  watch(b);
  loop.run_posted();
  handshake();
  accept("/a", "a1");  // keeps the connection open
  b.disconnect();      // while its CONNECT is in flight
  loop.run_posted();
  accept("/b", "b1");  // the server's answer comes anyway
  EXPECT_TRUE(a.connected());
  // socket.io-client ignores the answer (destroy() removed the socket's subscriptions).
  EXPECT_FALSE(b.connected());
  EXPECT_EQ(count("/b connect"), 0);
}

}  // namespace
}  // namespace twinsock::sio


namespace twinsock::sio {
namespace {

TEST_F(SioTest, the_last_socket_disconnecting_closes_the_manager_before_its_own_disconnect) {
  Socket& s = connected();
  s.disconnect();
  loop.run_posted();
  // socket.io-client: disconnect() closes the Manager ("forced close") before onclose("io client disconnect").
  const auto close = std::find(log.begin(), log.end(), "close:forced close");
  const auto disconnect = std::find(log.begin(), log.end(), "/ disconnect:io client disconnect");
  ASSERT_NE(close, log.end());
  ASSERT_NE(disconnect, log.end());
  EXPECT_LT(close, disconnect);
}

TEST_F(SioTest, manager_close_disconnects_sockets_with_forced_close_and_does_not_reconnect) {
  Socket& s = connected();
  AckLog acks;
  s.emit("q", 1, acks.cb());
  mgr->close();
  EXPECT_FALSE(s.connected());  // synchronously
  loop.run_posted();
  EXPECT_EQ(count("/ disconnect:forced close"), 1);
  EXPECT_EQ(count("close:forced close"), 1);
  // As on a lost connection (and in socket.io-client): the sockets first, then the Manager.
  EXPECT_LT(std::find(log.begin(), log.end(), "/ disconnect:forced close"), std::find(log.begin(), log.end(), "close:forced close"));
  EXPECT_EQ(acks.only(), "TWINSOCK_ERR_NOT_CONNECTED");
  EXPECT_EQ(control(), V{"1"});  // the Engine.IO close packet
  advance(60s);
  EXPECT_EQ(ws.conns.size(), 1u);
  EXPECT_EQ(count_prefix("reconnect"), 0);
  EXPECT_EQ(loop.timer_count(), 0u);
  EXPECT_EQ(conn()->live, nullptr);  // released even though the peer never completed the close
  s.connect();  // a user call reopens
  loop.run_posted();
  EXPECT_EQ(ws.conns.size(), 2u);
}

TEST_F(SioTest, on_connect_disconnect_and_connect_error_by_name_are_the_sockets_own_events) {
  // Code ported from socket.io-client writes socket.on("connect", ...).
  Manager& m = make();
  Socket& s = m.socket();
  std::vector<std::string> got;
  const auto record = [&](const char* name) {
    return [&got, name](const Args& args, const Reply&) { got.push_back(std::string(name) + " " + args.dump()); };
  };
  Subscription a = s.on("connect", record("connect"));
  Subscription b = s.on("disconnect", record("disconnect"));
  Subscription c = s.once("connect_error", record("connect_error"));
  loop.run_posted();
  handshake();
  server("4{\"message\":\"no\",\"data\":{\"why\":1}}");  // a CONNECT_ERROR from a middleware
  s.connect();  // the refused socket left the connection closed: a new one opens
  loop.run_posted();
  ASSERT_EQ(ws.conns.size(), 2u);
  handshake("e2");
  accept("/", "s1");
  server("1");  // the server disconnects the namespace
  EXPECT_EQ(got, (std::vector<std::string>{"connect_error [{\"data\":{\"why\":1},\"message\":\"no\"}]", "connect []",
                                            "disconnect [\"io server disconnect\"]"}));
}

TEST_F(SioTest, a_connection_closed_before_the_namespace_answers_is_a_connect_error) {
  // The engine opened, CONNECT went out, then the server closed the session (a middleware
  // calling socket.conn.close()): without reconnection nothing else would ever be said.
  ManagerOptions o = options();
  o.reconnection = false;
  Manager& m = make(o);
  Socket& s = m.socket();
  watch(s);
  loop.run_posted();
  handshake();
  ASSERT_EQ(sent(), V{"0"});  // the CONNECT
  conn()->text("1");          // the server's Engine.IO close
  loop.run_posted();
  EXPECT_EQ(count_prefix("/ connect_error:"), 1) << ::testing::PrintToString(log);
  EXPECT_EQ(count_prefix("/ disconnect"), 0);
  EXPECT_FALSE(s.connected());
}

TEST_F(SioTest, manager_close_while_opening_or_waiting_to_reconnect_stops_trying_with_forced_close) {
  // As socket.io-client: stopping an attempt is a "close" ("forced close") too; after close()
  // nothing tries again until open() or connect(), and closing a closed Manager says nothing.
  Manager& m = make();
  Socket& s = m.socket();
  watch(s);
  loop.run_posted();  // the engine is opening: no handshake yet
  m.close();
  loop.run_posted();
  advance(60s);
  EXPECT_EQ(ws.conns.size(), 1u);
  EXPECT_EQ(count("close:forced close"), 1);
  EXPECT_EQ(count_prefix("reconnect"), 0);
  m.close();
  loop.run_posted();
  EXPECT_EQ(count("close:forced close"), 1);
  s.connect();
  loop.run_posted();
  handshake();
  accept("/", "s1");
  EXPECT_TRUE(s.connected());
  conn()->drop();  // lost: a reconnection is scheduled
  loop.run_posted();
  ASSERT_EQ(count_prefix("close:transport"), 1);
  EXPECT_TRUE(m.reconnecting());
  m.close();
  EXPECT_FALSE(m.reconnecting());
  loop.run_posted();
  advance(60s);
  EXPECT_EQ(count_prefix("reconnect_attempt"), 0);
  EXPECT_EQ(count("close:forced close"), 2);
  EXPECT_EQ(ws.conns.size(), 2u);
}

TEST_F(SioTest, no_timer_is_left_once_everything_is_disconnected) {
  Socket& s = connected();
  s.emit("q", 1, [](std::error_code, const Args&) {}, {.timeout = 30s});
  s.disconnect();
  loop.run_posted();
  conn()->finish_close();
  advance(100ms);  // the closed engine is reaped shortly after it is finished
  EXPECT_EQ(loop.timer_count(), 0u);
  EXPECT_EQ(mgr->state(), ManagerState::closed);
}

TEST_F(SioTest, should_get_binary_data) {
  Socket& s = connected();
  Args got;
  auto sub = s.on("doge", [&](const Args& a, const Reply&) { got = a; });
  server("51-[\"doge\",{\"_placeholder\":true,\"num\":0}]");
  EXPECT_TRUE(got.is_null());  // waits for its attachment
  conn()->binary(std::string("\x01\x02", 2));
  loop.run_posted();
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].is_binary());
  EXPECT_EQ(got[0].get_binary(), (std::vector<std::uint8_t>{1, 2}));
}

TEST_F(SioTest, the_msgpack_parser_carries_connect_events_and_acks) {
  ManagerOptions o = options();
  o.parser = ParserKind::msgpack;
  Manager& m = make(std::move(o));
  Socket& s = m.socket();
  loop.run_posted();
  handshake();
  ASSERT_EQ(conn()->sent.size(), 1u);
  EXPECT_EQ(conn()->sent[0].rfind("bin:", 0), 0u);  // binary frames only
  auto frame = [](const Packet& p) {
    const bytes b = encode_msgpack(p);
    return std::string(as_text(b));
  };
  conn()->binary(frame(Packet{.type = PacketType::connect, .nsp = "/", .data = {{"sid", "m1"}}}));
  loop.run_posted();
  ASSERT_TRUE(s.connected());
  EXPECT_EQ(s.id(), "m1");
  AckLog acks;
  s.emit("q", 7, acks.cb());
  Args got;
  auto sub = s.on("ev", [&](const Args& a, const Reply&) { got = a; });
  conn()->binary(frame(Packet{.type = PacketType::ack, .nsp = "/", .id = 1, .data = Args::array({8})}));
  conn()->binary(frame(Packet{.type = PacketType::event, .nsp = "/", .data = Args::array({"ev", 9})}));
  loop.run_posted();
  EXPECT_EQ(acks.only(), "ok");
  EXPECT_EQ(got, Args::array({9}));
  const std::size_t frames = conn()->sent.size();
  ASSERT_FALSE(s.emit_json("j", "[1]"));  // JSON text cannot go out as msgpack: read into Args
  ASSERT_EQ(conn()->sent.size(), frames + 1);
  Packet j;
  ASSERT_FALSE(decode_msgpack(as_bytes(conn()->sent.back().substr(4)), j));
  EXPECT_EQ(j.data, Args::array({"j", 1}));
  conn()->text("4{}");  // text is not msgpack: a parse error
  loop.run_posted();
  EXPECT_EQ(count("error:TWINSOCK_ERR_SIO_BAD_PACKET_TYPE"), 1);
  EXPECT_FALSE(s.connected());
}

}  // namespace
}  // namespace twinsock::sio

namespace twinsock::sio {
namespace {

TEST_F(SioTest, the_namespace_connect_timeout_does_not_outlive_the_connection_it_was_sent_on) {
  Manager& m = make();  // timeout 20 s
  Socket& s = m.socket();
  watch(s);
  loop.run_posted();
  handshake();           // t = 0: CONNECT sent, never answered on this connection
  advance(1s);
  conn()->drop();        // t = 1 s: the connection is lost; the Manager reconnects
  advance(1s);           // t = 2 s: attempt 1 (its handshake is slow)
  ASSERT_EQ(ws.conns.size(), 2u);
  advance(18500ms);      // t = 20.5 s: 20 s after the first CONNECT
  handshake("e2");
  // The lost connection's CONNECT timer must not fire into the new attempt.
  EXPECT_EQ(count("/ connect_error:timeout"), 0) << ::testing::PrintToString(log);
  EXPECT_TRUE(s.active());
  EXPECT_EQ(sent(), V{"0"});
  accept("/", "s1");
  EXPECT_TRUE(s.connected());
}

// The default socket of a polling-only Manager, its first request (the handshake GET) out.
Socket& polling_socket(SioTest& t) {
  ManagerOptions o = t.options();
  o.engine.transports = {"polling"};
  Socket& s = t.make(std::move(o)).socket();
  t.watch(s);
  t.loop.run_posted();
  return s;
}

TEST_F(SioTest, a_polling_session_connects_emits_and_says_goodbye) {
  Socket& s = polling_socket(*this);
  http.pending("GET")->ok(eio_open("p1"));
  loop.run_posted();
  testing::HttpCall* post = http.pending("POST");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->request.body, "40");
  post->ok("ok");
  loop.run_posted();
  http.pending("GET")->ok("40{\"sid\":\"s1\"}\x1e" "42[\"hello\"]");
  loop.run_posted();
  ASSERT_TRUE(s.connected());
  AckLog acks;
  s.emit("q", 1, acks.cb());
  loop.run_posted();
  post = http.pending("POST");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->request.body, "421[\"q\",1]");
  post->ok("ok");
  loop.run_posted();
  http.pending("GET")->ok("431[2]");
  loop.run_posted();
  EXPECT_EQ(acks.only(), "ok");
  s.disconnect();
  loop.run_posted();
  std::vector<std::string> bodies;
  for (const auto* c : http.all("POST")) bodies.push_back(c->request.body);
  for (int i = 0; i < 3; ++i) {
    if (auto* p = http.pending("POST")) {
      p->ok("ok");
      loop.run_posted();
      bodies.clear();
      for (const auto* c : http.all("POST")) bodies.push_back(c->request.body);
    }
  }
  // The namespace DISCONNECT then the Engine.IO close packet reach the server.
  std::string all;
  for (const auto& b : bodies) all += b + "|";
  EXPECT_NE(all.find("41"), std::string::npos) << all;
  EXPECT_NE(all.find("1|"), std::string::npos) << all;
  EXPECT_LT(all.find("41"), all.rfind("1|")) << all;
  if (auto* g = http.pending("GET")) g->ok("6");
  advance(10s);
  EXPECT_EQ(count("/ disconnect:io client disconnect"), 1);
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST_F(SioTest, a_polling_session_lost_to_a_ping_timeout_still_sends_its_close_packet) {
  // As socket.io-client's engine does: the server ends the session now instead of at its own timeout.
  Socket& s = polling_socket(*this);
  http.pending("GET")->ok(eio_open("p1", 300, 200));
  loop.run_posted();
  http.pending("POST")->ok("ok");
  loop.run_posted();
  http.pending("GET")->ok("40{\"sid\":\"s1\"}");
  loop.run_posted();
  ASSERT_TRUE(s.connected());
  advance(600ms);  // no ping within pingInterval + pingTimeout
  EXPECT_EQ(count("/ disconnect:ping timeout"), 1);
  testing::HttpCall* goodbye = http.pending("POST");
  ASSERT_NE(goodbye, nullptr);
  EXPECT_EQ(goodbye->request.body, "1");
  goodbye->ok("ok");
  if (auto* g = http.pending("GET")) g->ok("6");
  loop.run_posted();
  advance(10s);  // the reconnection's first request is due; the old engine is gone
}


// A game listening to "entity:<id>:update" for ever new ids, each dropped when its entity
// goes: the tables of names nobody listens to any more are dropped too (bounded memory),
// while the live ones keep working.
TEST_F(SioTest, listener_tables_of_abandoned_event_names_are_dropped) {
  Socket& s = connected();
  int live_calls = 0;
  Subscription live = s.on("live", [&](const Args&, const Reply&) { ++live_calls; });
  for (int id = 0; id < 10'000; ++id) {
    Subscription gone = s.on("entity:" + std::to_string(id) + ":update", [](const Args&, const Reply&) {});
  }
  EXPECT_LE(s.listener_table_count(), 200u);
  server(R"(2["live"])");
  EXPECT_EQ(live_calls, 1);
}

}  // namespace
}  // namespace twinsock::sio
