// eio::Socket: handshake, polling request discipline, batching, binary, close.
#include "eio_test_fixture.hpp"

namespace twinsock::eio {
namespace {

using namespace std::chrono_literals;
using testing::HttpCall;

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// A Socket.IO Manager's engines share one options object instead of a copy each.
TEST_F(EioTest, SocketsShareOneOptionsObjectAndNullMeansTheDefaults) {
  SocketOptions o = options();
  o.path = "/shared/";
  const auto shared = std::make_shared<const SocketOptions>(std::move(o));
  Socket first(loop, "http://example.com:3000", shared);
  Socket second(loop, "http://example.com:3000", shared);
  first.open();
  second.open();
  loop.run_posted();
  const auto gets = http.live("GET");
  ASSERT_EQ(gets.size(), 2u);
  for (const auto* get : gets) EXPECT_NE(get->request.url.find("/shared/?EIO=4"), std::string::npos) << get->request.url;
  EXPECT_EQ(shared.use_count(), 3);

  Socket defaults(loop, "http://example.com:3000", std::shared_ptr<const SocketOptions>());
  EXPECT_EQ(defaults.ready_state(), ReadyState::closed);
}

TEST_F(EioTest, PollingHandshake) {
  Socket& s = make(options());
  EXPECT_EQ(s.ready_state(), ReadyState::opening);
  ASSERT_EQ(http.calls.size(), 1u);
  const HttpRequest& r = http.calls[0]->request;
  EXPECT_EQ(r.method, "GET");
  EXPECT_TRUE(r.url.starts_with("http://example.com:3000/engine.io/?EIO=4&transport=polling&t=")) << r.url;
  EXPECT_FALSE(contains(r.url, "sid="));
  http.calls[0]->ok(open_packet("lv_VI97", "[\"websocket\"]", 25000, 20000, 1000));
  EXPECT_EQ(s.ready_state(), ReadyState::open);
  EXPECT_EQ(s.id(), "lv_VI97");
  EXPECT_EQ(s.transport_name(), "polling");
  EXPECT_EQ(s.handshake().ping_interval, 25000ms);
  EXPECT_EQ(s.handshake().ping_timeout, 20000ms);
  EXPECT_EQ(s.handshake().max_payload, 1000u);
  EXPECT_EQ(s.handshake().upgrades, std::vector<std::string>{"websocket"});
  EXPECT_EQ(log, std::vector<std::string>{"open:lv_VI97"});
  // The next poll carries the sid; it may be held up to pingInterval + pingTimeout.
  HttpCall* get = http.pending("GET");
  ASSERT_NE(get, nullptr);
  EXPECT_TRUE(contains(get->request.url, "EIO=4&transport=polling&sid=lv_VI97&t=")) << get->request.url;
  EXPECT_EQ(get->request.timeout, 20000ms + 45000ms);
  EXPECT_EQ(ws.conns.size(), 1u);  // the upgrade probe
}

TEST_F(EioTest, WebSocketHandshake) {
  SocketOptions o = options();
  o.transports = {"websocket"};
  Socket& s = make(std::move(o), "https://example.com/");
  ASSERT_EQ(ws.conns.size(), 1u);
  EXPECT_EQ(ws.last()->params.url, "wss://example.com/engine.io/?EIO=4&transport=websocket");
  ws.last()->open();
  EXPECT_EQ(s.ready_state(), ReadyState::opening);
  ws.last()->text(open_packet("w1"));
  EXPECT_EQ(s.ready_state(), ReadyState::open);
  EXPECT_EQ(s.transport_name(), "websocket");
  EXPECT_EQ(log, std::vector<std::string>{"open:w1"});
  EXPECT_TRUE(http.calls.empty());
  EXPECT_TRUE(Socket::prior_upgrade());  // the session ended up on websocket
  ASSERT_FALSE(s.send({false, "hi"}));
  EXPECT_EQ(ws.last()->sent, std::vector<std::string>{"4hi"});
  ws.last()->text("4back");
  EXPECT_EQ(log.back(), "msg:back");
}

TEST_F(EioTest, PathQueryHeadersAndOptions) {
  SocketOptions o = options();
  o.path = "/socket.io";
  o.add_trailing_slash = false;
  o.query = {{"token", "a b"}};
  o.extra_headers = {{"X-Test", "1"}};
  o.timestamp_requests = false;
  o.with_credentials = true;
  o.request_timeout = 5s;
  make(std::move(o), "ws://h:81/ignored/path?x=1");
  ASSERT_EQ(http.calls.size(), 1u);
  const HttpRequest& r = http.calls[0]->request;
  EXPECT_EQ(r.url, "http://h:81/socket.io?EIO=4&transport=polling&x=1&token=a%20b");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].name, "X-Test");
  EXPECT_TRUE(r.with_credentials);
  EXPECT_EQ(r.timeout, 5s);
}

TEST_F(EioTest, TimestampsAreUniquePerRequest) {
  open_polling();
  ASSERT_EQ(http.calls.size(), 2u);
  EXPECT_NE(http.calls[0]->request.url.substr(http.calls[0]->request.url.find("t=")),
            http.calls[1]->request.url.substr(http.calls[1]->request.url.find("t=")));
}

TEST_F(EioTest, WritesBatchIntoOnePostAtATime) {
  Socket& s = open_polling();
  ASSERT_FALSE(s.send({false, "a"}));
  ASSERT_FALSE(s.send({false, "b"}));
  ASSERT_FALSE(s.send({false, "c"}));
  ASSERT_EQ(http.live("POST").size(), 1u);
  EXPECT_EQ(http.pending("POST")->request.body, "4a");
  EXPECT_FALSE(s.writable());  // a POST is in flight
  EXPECT_EQ(testing::header_of_or(http.pending("POST")->request, "Content-Type"), "text/plain;charset=UTF-8");
  http.pending("POST")->ok("ok");
  ASSERT_EQ(http.live("POST").size(), 1u);
  EXPECT_EQ(http.pending("POST")->request.body, "4b\x1e" "4c");
  http.pending("POST")->ok("ok");
  EXPECT_TRUE(http.live("POST").empty());
  EXPECT_TRUE(s.writable());
  EXPECT_EQ(http.live("GET").size(), 1u);  // never more than one GET
}

TEST_F(EioTest, PostsSplitAtMaxPayload) {
  Socket& s = open_polling(open_packet("abc", "[]", 25000, 20000, 11));
  ASSERT_FALSE(s.send({false, "aaaa"}));  // goes at once
  for (const char* m : {"bbbb", "cccc", "dddd", "eeeeeeeeeeeeeeee"}) ASSERT_FALSE(s.send({false, m}));
  std::vector<std::string> bodies;
  while (HttpCall* post = http.pending("POST")) {
    bodies.push_back(post->request.body);
    post->ok("ok");
  }
  // "4bbbb\x1e4cccc" is 11 bytes: fits; "4dddd" alone; an oversized packet still goes, alone.
  EXPECT_EQ(bodies, (std::vector<std::string>{"4aaaa", "4bbbb\x1e" "4cccc", "4dddd", "4eeeeeeeeeeeeeeee"}));
}

TEST_F(EioTest, PollDeliversEveryPacketThenPollsAgain) {
  open_polling();
  http.pending("GET")->ok("4hello\x1e" "4world\x1e" "6");
  EXPECT_EQ(log, (std::vector<std::string>{"open:abc", "msg:hello", "msg:world"}));
  EXPECT_EQ(http.live("GET").size(), 1u);
  EXPECT_EQ(http.all("GET").size(), 3u);
}

TEST_F(EioTest, BinaryOverPollingIsBase64) {
  Socket& s = open_polling();
  ASSERT_FALSE(s.send({true, std::string("\x01\x02\x03\x04", 4)}));
  EXPECT_EQ(http.pending("POST")->request.body, "bAQIDBA==");
  http.pending("GET")->ok("4hello\x1e" "bAQIDBA==");
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2], "bin:" + std::string("\x01\x02\x03\x04", 4));
}

TEST_F(EioTest, BinaryOverWebSocketIsABinaryFrame) {
  Socket& s = open_websocket();
  ASSERT_FALSE(s.send({true, std::string("\x00\xff", 2)}));
  EXPECT_EQ(ws.last()->sent.back(), "bin:" + std::string("\x00\xff", 2));
  ws.last()->binary(std::string("\x01\x02", 2));
  EXPECT_EQ(log.back(), "bin:" + std::string("\x01\x02", 2));
}

TEST_F(EioTest, WritesBeforeTheHandshakeWaitForIt) {
  Socket& s = make(options());
  ASSERT_FALSE(s.send({false, "early"}));
  EXPECT_TRUE(http.live("POST").empty());
  http.pending("GET")->ok(open_packet());
  ASSERT_NE(http.pending("POST"), nullptr);
  EXPECT_EQ(http.pending("POST")->request.body, "4early");
}

TEST_F(EioTest, SendWhenNotOpenIsInvalidState) {
  auto s = std::make_unique<Socket>(loop, "http://h", options());
  EXPECT_EQ(s->send({false, "x"}), errc::invalid_state);
  Socket& t = open_polling();
  t.close();
  EXPECT_EQ(t.send({false, "x"}), errc::invalid_state);
}

TEST_F(EioTest, UserCloseOnPollingSendsClosePacketAndReportsLater) {
  Socket& s = open_polling();
  HttpCall* get = http.pending("GET");
  s.close();
  EXPECT_EQ(closes, 0);  // never inside the call
  EXPECT_EQ(s.ready_state(), ReadyState::closed);
  loop.run_posted();
  EXPECT_EQ(log.back(), "close:forced close");
  EXPECT_FALSE(close_ec);
  // The held poll is left to end by itself: cancelling it would make engine.io drop
  // the session before the close packet (and any DISCONNECT in flight) is read.
  EXPECT_FALSE(get->cancelled);
  ASSERT_NE(http.pending("POST"), nullptr);
  EXPECT_EQ(http.pending("POST")->request.body, "1");
  http.pending("POST")->ok("ok");
  loop.run_posted();
  EXPECT_EQ(closes, 1);
}

TEST_F(EioTest, UserCloseFlushesPendingWritesFirst) {
  Socket& s = open_polling();
  ASSERT_FALSE(s.send({false, "a"}));
  ASSERT_FALSE(s.send({false, "b"}));
  s.close();
  EXPECT_EQ(s.ready_state(), ReadyState::closing);
  EXPECT_EQ(s.send({false, "late"}), errc::invalid_state);
  http.pending("POST")->ok("ok");
  EXPECT_EQ(http.pending("POST")->request.body, "4b");
  EXPECT_EQ(closes, 0);
  http.pending("POST")->ok("ok");
  EXPECT_EQ(log.back(), "close:forced close");
  EXPECT_EQ(http.pending("POST")->request.body, "1");
}

TEST_F(EioTest, UserCloseOnWebSocket) {
  Socket& s = open_websocket();
  s.close();
  loop.run_posted();
  EXPECT_EQ(log.back(), "close:forced close");
  EXPECT_EQ(ws.last()->sent.back(), "1");
  EXPECT_EQ(ws.last()->close_calls, std::vector<std::uint16_t>{1000});
  ws.last()->finish_close();
  loop.run_posted();
  EXPECT_EQ(closes, 1);
}

TEST_F(EioTest, CloseWhileOpeningDropsTheHandshake) {
  Socket& s = make(options());
  HttpCall* get = http.pending("GET");
  s.close();
  loop.run_posted();
  EXPECT_EQ(log, std::vector<std::string>{"close:forced close"});
  EXPECT_TRUE(get->cancelled);
  EXPECT_EQ(http.calls.size(), 1u);  // no close packet: there was no session
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST_F(EioTest, CloseBeforeTheFirstTurn) {
  auto s = std::make_unique<Socket>(loop, "http://h", options());
  attach(*s);
  s->open();
  s->close();
  loop.run_posted();
  EXPECT_TRUE(http.calls.empty());
  EXPECT_EQ(log, std::vector<std::string>{"close:forced close"});
}

TEST_F(EioTest, ServerClosePacketOnPolling) {
  open_polling();
  http.pending("GET")->ok("4last\x1e" "1");
  EXPECT_EQ(log, (std::vector<std::string>{"open:abc", "msg:last", "close:transport close"}));
  EXPECT_EQ(close_ec, errc::closed_by_server);
  EXPECT_TRUE(http.live("GET").empty());
  EXPECT_TRUE(http.live("POST").empty());  // the session is gone: no close packet back
}

TEST_F(EioTest, ServerClosePacketOnWebSocket) {
  open_websocket();
  ws.last()->text("1");
  EXPECT_EQ(log.back(), "close:transport close");
  EXPECT_EQ(closes, 1);
}

TEST_F(EioTest, WebSocketDroppedIsTransportCloseOrError) {
  open_websocket();
  ws.last()->drop({.code = 1006, .error = errc::connection_closed});
  EXPECT_EQ(log.back(), "close:transport close");
  closes = 0;
  open_websocket();
  ws.last()->drop();
  EXPECT_EQ(log.back(), "close:transport error");
  EXPECT_EQ(log[log.size() - 2], "error:TWINSOCK_ERR_CONNECTION_RESET");
}

TEST_F(EioTest, ParseErrorInPollingPayload) {
  open_polling();
  http.pending("GET")->ok("4ok\x1e" "9bad");
  EXPECT_EQ(log, (std::vector<std::string>{"open:abc", "msg:ok", "error:TWINSOCK_ERR_EIO_BAD_PACKET_TYPE",
                                           "close:parse error"}));
}

TEST_F(EioTest, ParseErrorQuotesWhatAnswered) {
  // Someone else's server (a page where Engine.IO was expected): the detail shows its
  // first 60 bytes, control characters as '.', so the user sees what answered.
  make(options());
  http.pending("GET")->ok("<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body>" + std::string(100, 'x'));
  EXPECT_EQ(log, (std::vector<std::string>{"error:TWINSOCK_ERR_EIO_BAD_PACKET_TYPE", "close:parse error"}));
  EXPECT_EQ(last_error_detail,
            "polling response is not Engine.IO: \"<!DOCTYPE html>.<html><head><title>Welcome</title></head><bo...\"");
}

TEST_F(EioTest, AnEngineIoV3ServerIsNamed) {
  // A Socket.IO 2 server answers the handshake in v3's framing: length-prefixed packets.
  make(options());
  http.pending("GET")->ok("96:0{\"sid\":\"x\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":5000}2:40");
  EXPECT_EQ(log.back(), "close:parse error");
  EXPECT_EQ(last_error_detail, "the server speaks Engine.IO v3 (Socket.IO 2): this client needs Socket.IO 3 or later");
}

TEST_F(EioTest, ParseErrorOnWebSocket) {
  open_websocket();
  ws.last()->text("x");
  EXPECT_EQ(log.back(), "close:parse error");
  EXPECT_EQ(last_error_detail, "WebSocket message is not Engine.IO: \"x\"");
  EXPECT_EQ(ws.last()->close_calls, std::vector<std::uint16_t>{1002});
}

TEST_F(EioTest, BadHandshakeIsAParseError) {
  make(options());
  http.pending("GET")->ok("0{\"sid\":42}");
  EXPECT_EQ(log, (std::vector<std::string>{"error:TWINSOCK_ERR_EIO_BAD_HANDSHAKE", "close:parse error"}));
  EXPECT_TRUE(http.calls.size() == 1u);
}

TEST_F(EioTest, FirstPacketMustBeOpen) {
  make(options());
  http.pending("GET")->ok("4hello");
  EXPECT_EQ(log, (std::vector<std::string>{"error:TWINSOCK_ERR_EIO_BAD_HANDSHAKE", "close:parse error"}));
}

TEST_F(EioTest, HandshakeRefusedWithServerErrorBody) {
  make(options());
  http.pending("GET")->reply(400, R"({"code":5,"message":"Unsupported protocol version"})");
  EXPECT_EQ(log, (std::vector<std::string>{"error:TWINSOCK_ERR_HTTP_STATUS", "close:transport error"}));
  EXPECT_EQ(last_error_detail, "HTTP 400: Unsupported protocol version");
}

TEST_F(EioTest, PollFailureIsTransportError) {
  open_polling();
  http.pending("GET")->fail(errc::connection_reset, "reset by peer");
  EXPECT_EQ(log.back(), "close:transport error");
  EXPECT_EQ(close_ec, errc::connection_reset);
  EXPECT_EQ(last_error_detail, "reset by peer");
}

TEST_F(EioTest, PostFailureIsTransportError) {
  Socket& s = open_polling();
  ASSERT_FALSE(s.send({false, "x"}));
  http.pending("POST")->reply(400, R"({"code":1,"message":"Session ID unknown"})");
  EXPECT_EQ(log.back(), "close:transport error");
  EXPECT_EQ(last_error_detail, "HTTP 400: Session ID unknown");
  EXPECT_TRUE(http.live("GET").empty());
}

TEST_F(EioTest, HandshakeTimeout) {
  SocketOptions o = options();
  o.request_timeout = 3s;
  make(std::move(o));
  loop.advance(2999ms);
  EXPECT_EQ(closes, 0);
  loop.advance(1ms);
  EXPECT_EQ(log, (std::vector<std::string>{"error:TWINSOCK_ERR_HANDSHAKE_TIMEOUT", "close:transport error"}));
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST_F(EioTest, UnknownTransportsOnly) {
  SocketOptions o = options();
  o.transports = {"webtransport"};
  make(std::move(o));
  EXPECT_EQ(log, (std::vector<std::string>{"error:TWINSOCK_ERR_INVALID_ARGUMENT", "close:transport error"}));
}

TEST_F(EioTest, BadUrl) {
  make(options(), "not a url");
  EXPECT_EQ(closes, 1);
  EXPECT_EQ(log.back(), "close:transport error");
}

TEST_F(EioTest, TryAllTransportsFallsBackToPolling) {
  SocketOptions o = options();
  o.transports = {"websocket", "polling"};
  o.try_all_transports = true;
  make(std::move(o));
  ASSERT_EQ(ws.conns.size(), 1u);
  ws.last()->drop({.code = 1006, .error = errc::connect_refused, .detail = "refused"});
  EXPECT_TRUE(log.empty());
  ASSERT_NE(http.pending("GET"), nullptr);
  http.pending("GET")->ok(open_packet("p1", "[\"websocket\"]"));
  EXPECT_EQ(log, std::vector<std::string>{"open:p1"});
  EXPECT_EQ(socket->transport_name(), "polling");
}

TEST_F(EioTest, WithoutTryAllTheFirstFailureCloses) {
  SocketOptions o = options();
  o.transports = {"websocket", "polling"};
  make(std::move(o));
  ws.last()->drop({.code = 1006, .error = errc::connect_refused, .detail = "refused"});
  EXPECT_EQ(log, (std::vector<std::string>{"error:TWINSOCK_ERR_CONNECT_REFUSED", "close:transport error"}));
  EXPECT_TRUE(http.calls.empty());
}

TEST_F(EioTest, StickyCookieGoesBackOnEveryRequestAndTheUpgrade) {
  SocketOptions o = options();
  auto jar = std::make_shared<CookieJar>();
  o.cookie_jar = jar;
  o.extra_headers = {{"X-A", "1"}};
  Socket& s = make(std::move(o));
  EXPECT_EQ(testing::header_of_or(http.calls[0]->request, "Cookie"), "<none>");
  http.pending("GET")->reply(200, open_packet("c1", "[\"websocket\"]"),
                             {{"Set-Cookie", "AWSALB=node7; Path=/"}, {"Set-Cookie", "io=c1; Path=/; HttpOnly"}});
  EXPECT_EQ(jar->size(), 2u);
  EXPECT_EQ(testing::header_of_or(http.pending("GET")->request, "Cookie"), "AWSALB=node7; io=c1");
  ASSERT_FALSE(s.send({false, "x"}));
  EXPECT_EQ(testing::header_of_or(http.pending("POST")->request, "Cookie"), "AWSALB=node7; io=c1");
  ASSERT_EQ(ws.conns.size(), 1u);
  bool found = false;
  for (const auto& h : ws.last()->params.headers) found |= h.name == "Cookie" && h.value == "AWSALB=node7; io=c1";
  EXPECT_TRUE(found);
  EXPECT_EQ(testing::header_of_or(http.pending("POST")->request, "X-A"), "1");
}

TEST_F(EioTest, UserCookieHeaderIsExtended) {
  SocketOptions o = options();
  o.cookie_jar = std::make_shared<CookieJar>();
  o.cookie_jar->set_cookie("example.com", "/", "lb=1");
  o.extra_headers = {{"cookie", "mine=2"}};
  make(std::move(o));
  EXPECT_EQ(testing::header_of_or(http.calls[0]->request, "Cookie"), "mine=2; lb=1");
}

}  // namespace
}  // namespace twinsock::eio
