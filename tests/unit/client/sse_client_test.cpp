// sse::Client over a scripted HTTP transport and a fake clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "client/url_resolve.hpp"
#include "fake_http_transport.hpp"
#include "support/fake_loop.hpp"
#include "twinsock/error.hpp"
#include "twinsock/sse/client.hpp"

namespace twinsock::sse {
namespace {

using std::chrono::milliseconds;
using testing::FakeHttpServer;
using testing::FakeLoop;
using testing::header_of;

struct Recorder {
  std::vector<std::string> log;
  std::vector<Subscription> subs;
  void attach(Client& c) {
    subs.push_back(c.on_open.on([this] { log.push_back("open"); }));
    subs.push_back(c.on_message.on([this](const MessageEvent& m) {
      log.push_back(m.type + ":" + m.data + (m.last_event_id.empty() ? "" : "#" + m.last_event_id));
    }));
    subs.push_back(c.on_error.on([this](std::error_code ec, const std::string&, int status) {
      log.push_back("error:" + std::string(error_id(ec)) + (status ? ":" + std::to_string(status) : ""));
    }));
    subs.push_back(c.on_reconnecting.on([this](std::uint32_t a, Duration d) {
      log.push_back("reconnecting:" + std::to_string(a) + ":" + std::to_string(d.count()));
    }));
    subs.push_back(c.on_close.on([this] { log.push_back("close"); }));
  }
};

// Answers the pending request with a stream that sends `data` and ends at once.
void open_and_drop(FakeHttpServer& server, const std::string& data = {}) {
  server.current->head(200);
  if (!data.empty()) server.current->data(data);
  server.current->end();
}

// The delays on_reconnecting announced, in ms.
struct DelayLog {
  explicit DelayLog(Client& client)
      : sub(client.on_reconnecting.on([this](std::uint32_t, Duration d) { delays.push_back(d.count()); })) {}
  std::vector<long> delays;
  Subscription sub;
};

ClientOptions fake_options(FakeHttpServer& server) {
  ClientOptions o;
  o.transport_factory = server.factory();
  o.reconnect.jitter = 0;
  return o;
}

// fake_options whose reconnection delays double from 100 ms: 100, 200, 400...
ClientOptions doubling_options(FakeHttpServer& server) {
  ClientOptions o = fake_options(server);
  o.reconnect.min_delay = milliseconds(100);
  o.reconnect.grow_factor = 2;
  return o;
}

TEST(SseClient, RequestsTheStreamAndDispatchesEvents) {
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/events", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  ASSERT_EQ(server.requests.size(), 1u);
  EXPECT_EQ(server.requests[0].method, "GET");
  EXPECT_EQ(header_of(server.requests[0], "accept"), "text/event-stream");
  EXPECT_EQ(header_of(server.requests[0], "last-event-id"), "<none>");
  server.current->head(200, {{"content-type", "Text/Event-Stream; charset=utf-8"}});
  EXPECT_EQ(client.ready_state(), ReadyState::open);
  server.current->data("data: one\n\nevent: tick\nid: 7\ndata: two\n");
  server.current->data("data: lines\n\n: comment\n");
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open", "message:one", "tick:two\nlines#7"}));
  EXPECT_EQ(client.last_event_id(), "7");
}

TEST(SseClient, ALostStreamIsAlreadyConnectingWhenItsErrorIsReported) {
  // EventSource sets readyState to CONNECTING, then fires "error": a listener that reads
  // the state to tell a retry from the end gets the right answer.
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/events", fake_options(server));
  std::vector<ReadyState> seen;
  Subscription sub = client.on_error.on([&](std::error_code, const std::string&, int) { seen.push_back(client.ready_state()); });
  loop.run_posted();
  server.current->head(200);
  server.current->end(errc::connection_reset, "reset");
  loop.advance(milliseconds(3000));
  server.current->head(200);
  server.current->end({}, "");  // a clean end
  EXPECT_EQ(seen, (std::vector<ReadyState>{ReadyState::connecting, ReadyState::connecting}));
}

TEST(SseClient, ResumesWithLastEventIdAfterADrop) {
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/events", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->head(200);
  server.current->data("id: 41\ndata: a\n\nid: 42\ndata: b\n\ndata: partial");  // cut mid-event
  server.current->end(errc::connection_reset, "reset");
  EXPECT_EQ(client.ready_state(), ReadyState::connecting);
  loop.advance(milliseconds(3000));
  ASSERT_EQ(server.requests.size(), 2u);
  EXPECT_EQ(header_of(server.requests[1], "Last-Event-ID"), "42");
  server.current->head(200);
  server.current->data("id: 43\ndata: c\n\n");
  const std::vector<std::string> expect = {"open", "message:a#41", "message:b#42", "error:TWINSOCK_ERR_CONNECTION_RESET",
                                           "reconnecting:1:3000", "open", "message:c#43"};
  EXPECT_EQ(rec.log, expect);  // the partial event was discarded, not delivered
}

TEST(SseClient, AStreamThatEndsCleanlyIsAnErrorBeforeTheReconnection) {
  // WHATWG "reestablish the connection": an EventSource fires "error" then, however the stream ended.
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/events", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->head(200);
  server.current->data("data: a\n\n");
  server.current->end();
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open", "message:a", "error:TWINSOCK_ERR_CONNECTION_CLOSED",
                                               "reconnecting:1:3000"}));
}

TEST(SseClient, RetryFieldSetsTheReconnectionTime) {
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/", fake_options(server));
  loop.run_posted();
  server.current->head(200);
  server.current->data("retry: 250\n\n");
  EXPECT_EQ(client.reconnection_time(), milliseconds(250));
  server.current->end();
  loop.advance(milliseconds(249));
  EXPECT_EQ(server.requests.size(), 1u);
  loop.advance(milliseconds(1));
  EXPECT_EQ(server.requests.size(), 2u);
}

// WHATWG: wait the reconnection time, optionally more. Jitter (default 0.3,
// drawn from the system's random source) must never bring a reconnection
// forward, and max_delay must not cut a longer `retry:`.
TEST(SseClient, NeverReconnectsSoonerThanTheServerAsked) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = fake_options(server);
  o.reconnect.jitter = 0.3;
  o.reconnect.min_uptime = milliseconds(0);  // every open resets the backoff
  Client client(loop, "http://h/", o);
  DelayLog reconnecting(client);
  const std::vector<long>& delays = reconnecting.delays;
  loop.run_posted();
  for (int i = 0; i < 40; ++i) {
    open_and_drop(server, "retry: 2000\n\n");
    loop.advance(milliseconds(1999));
    ASSERT_EQ(server.requests.size(), static_cast<std::size_t>(i + 1)) << "reconnected before retry: 2000";
    loop.advance(milliseconds(601));  // 2000 * (1 + 0.3) at most
    ASSERT_EQ(server.requests.size(), static_cast<std::size_t>(i + 2));
  }
  EXPECT_TRUE(std::all_of(delays.begin(), delays.end(), [](long d) { return d >= 2000 && d <= 2600; }));

  server.current->head(200);
  server.current->data("retry: 60000\n\n");  // beyond max_delay (30 s)
  server.current->end();
  EXPECT_GE(delays.back(), 60'000);
  loop.advance(milliseconds(59'999));
  EXPECT_EQ(server.requests.size(), 41u);
}

TEST(SseClient, FailedAttemptsBackOffExponentially) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = doubling_options(server);
  Client client(loop, "http://h/", o);
  DelayLog reconnecting(client);
  const std::vector<long>& delays = reconnecting.delays;
  loop.run_posted();
  for (int i = 0; i < 3; ++i) {
    server.current->end(errc::connect_refused, "refused");
    loop.advance(milliseconds(10'000));
  }
  server.current->head(503, {});
  loop.advance(milliseconds(10'000));
  EXPECT_EQ(delays, (std::vector<long>{100, 200, 400, 800}));
  server.current->head(200);  // a stream that stayed up min_uptime resets
  loop.advance(o.reconnect.min_uptime);
  server.current->end();
  EXPECT_EQ(delays.back(), 100);
}

// A server that accepts and closes every stream at once is a failing server: the delay
// keeps growing and the retry limit ends it, as it would for refused connections.
TEST(SseClient, StreamsDroppedAtOnceDoNotResetTheBackoff) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = doubling_options(server);
  o.reconnect.max_retries = 3;
  Client client(loop, "http://h/", o);
  Recorder rec;
  rec.attach(client);
  DelayLog reconnecting(client);
  const std::vector<long>& delays = reconnecting.delays;
  loop.run_posted();
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(server.requests.size(), static_cast<std::size_t>(i + 1));
    open_and_drop(server);
    loop.advance(milliseconds(10'000));
  }
  EXPECT_EQ(delays, (std::vector<long>{100, 200, 400}));
  EXPECT_EQ(rec.log.back(), "close");
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
  EXPECT_EQ(server.requests.size(), 4u);
}

// A stream cut after some events made progress: the next reconnection waits the first
// delay again, however short the stream was (a proxy cutting every few events).
TEST(SseClient, AStreamThatDeliveredEventsResetsTheBackoff) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = doubling_options(server);
  Client client(loop, "http://h/", o);
  DelayLog reconnecting(client);
  loop.run_posted();
  open_and_drop(server);
  loop.advance(milliseconds(10'000));
  for (int i = 0; i < 3; ++i) {
    open_and_drop(server, "data: x\n\n");
    loop.advance(milliseconds(10'000));
  }
  EXPECT_EQ(reconnecting.delays, (std::vector<long>{100, 100, 100, 100}));
}

// `retry: 0` is honoured as "no extra wait", not as a busy loop against a server that
// drops each stream: the backoff grows from 100 ms.
TEST(SseClient, RetryZeroStillBacksOff) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = fake_options(server);
  o.reconnect.grow_factor = 2;
  Client client(loop, "http://h/", o);
  DelayLog reconnecting(client);
  const std::vector<long>& delays = reconnecting.delays;
  loop.run_posted();
  for (int i = 0; i < 3; ++i) {
    open_and_drop(server, "retry: 0\n\n");
    loop.advance(milliseconds(10'000));
  }
  EXPECT_EQ(client.reconnection_time(), milliseconds(0));
  EXPECT_EQ(delays, (std::vector<long>{100, 200, 400}));
}

TEST(SseClient, Status204StopsForGood) {
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  EXPECT_EQ(client.http_status(), 0);  // no response yet
  server.current->head(204, {});
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(rec.log, (std::vector<std::string>{"close"}));
  EXPECT_EQ(client.ready_state(), ReadyState::closed);
  EXPECT_EQ(client.http_status(), 204);  // how a binding tells this close from the others
  EXPECT_EQ(server.requests.size(), 1u);
  client.connect();  // a new attempt forgets it
  loop.run_posted();
  EXPECT_EQ(client.http_status(), 0);
}

TEST(SseClient, ClientErrorStatusFailsWithTheStatus) {
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->head(404, {});
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_HTTP_STATUS:404", "close"}));
  EXPECT_EQ(server.requests.size(), 1u);
}

TEST(SseClient, WrongContentTypeFails) {
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->head(200, {{"Content-Type", "text/html"}});
  EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_SSE_BAD_CONTENT_TYPE:200", "close"}));
}

TEST(SseClient, ABadUrlFailsForGoodWithoutARequest) {
  for (const char* url : {"not a url", "ws://h/events"}) {
    FakeLoop loop;
    FakeHttpServer server;
    Client client(loop, url, fake_options(server));
    Recorder rec;
    rec.attach(client);
    loop.run_posted();
    loop.advance(milliseconds(60'000));
    EXPECT_TRUE(server.requests.empty()) << url;
    EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_URL_BAD_SCHEME", "close"})) << url;
    EXPECT_EQ(client.ready_state(), ReadyState::closed);
  }
}

TEST(SseClient, ARedirectToABadUrlFailsForGood) {
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->head(302, {{"Location", "ftp://h/file"}});
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(server.requests.size(), 1u);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_URL_BAD_SCHEME", "close"}));
}

TEST(SseClient, FollowsRedirectsUpToTheLimit) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = fake_options(server);
  o.max_redirects = 2;
  o.method = "POST";
  o.body = "{}";
  Client client(loop, "http://h/a/b", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->head(307, {{"Location", "c?x=1"}});
  ASSERT_EQ(server.requests.size(), 2u);
  EXPECT_EQ(server.requests[1].url, "http://h/a/c?x=1");
  EXPECT_EQ(server.requests[1].method, "POST");  // 307 keeps the method and body
  EXPECT_EQ(server.requests[1].body, "{}");
  server.current->head(303, {{"Location", "//other:8080/s"}});
  EXPECT_EQ(server.requests[2].url, "http://other:8080/s");
  EXPECT_EQ(server.requests[2].method, "GET");
  server.current->head(302, {{"Location", "/again"}});
  EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_TOO_MANY_REDIRECTS:302", "close"}));
}

TEST(SseClient, PostWithBodyAndCustomHeaders) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = fake_options(server);
  o.method = "POST";
  o.body = R"({"prompt":"hi"})";
  o.headers = {{"Authorization", "Bearer t"}};
  o.last_event_id = "saved-9";
  Client client(loop, "https://api.test/stream", o);
  loop.run_posted();
  ASSERT_EQ(server.requests.size(), 1u);
  EXPECT_EQ(server.requests[0].method, "POST");
  EXPECT_EQ(server.requests[0].body, R"({"prompt":"hi"})");
  EXPECT_EQ(header_of(server.requests[0], "authorization"), "Bearer t");
  EXPECT_EQ(header_of(server.requests[0], "last-event-id"), "saved-9");
}

TEST(SseClient, IdleTimeoutReconnects) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = fake_options(server);
  o.idle_timeout = milliseconds(1000);
  Client client(loop, "http://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->head(200);
  loop.advance(milliseconds(900));
  server.current->data(": keep-alive\n");
  loop.advance(milliseconds(900));
  EXPECT_NE(server.current, nullptr);  // the comment counted as activity
  loop.advance(milliseconds(100));
  EXPECT_EQ(server.current, nullptr);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open", "error:TWINSOCK_ERR_IDLE_TIMEOUT", "reconnecting:1:3000"}));
}

TEST(SseClient, ConnectionTimeoutRetries) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = fake_options(server);
  o.connection_timeout = milliseconds(500);
  Client client(loop, "http://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.advance(milliseconds(500));
  EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_HANDSHAKE_TIMEOUT", "reconnecting:1:3000"}));
}

TEST(SseClient, OversizedEventStopsWithALimitError) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = fake_options(server);
  o.max_event_size = 8;
  Client client(loop, "http://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->head(200);
  server.current->data("data: ok\n\ndata: 0123456789\n\n");
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open", "message:ok", "error:TWINSOCK_ERR_SSE_EVENT_TOO_LARGE:200", "close"}));
}

TEST(SseClient, CloseStopsEverythingAndReportsLater) {
  FakeLoop loop;
  FakeHttpServer server;
  Client client(loop, "http://h/", fake_options(server));
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->head(200);
  client.close();
  EXPECT_EQ(server.current, nullptr);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open"}));
  loop.run_posted();
  EXPECT_EQ(rec.log, (std::vector<std::string>{"open", "close"}));
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(server.requests.size(), 1u);
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST(SseClient, MaxRetriesGivesUp) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = fake_options(server);
  o.reconnect.max_retries = 1;
  Client client(loop, "http://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->end(errc::connect_refused, "");
  loop.advance(milliseconds(10'000));
  server.current->end(errc::connect_refused, "");
  EXPECT_EQ(rec.log.back(), "close");
  EXPECT_EQ(rec.log[rec.log.size() - 2], "error:TWINSOCK_ERR_RECONNECT_FAILED");
}

TEST(SseClient, NoRetriesAllowedStopsWithoutAGiveUpError) {
  FakeLoop loop;
  FakeHttpServer server;
  auto o = fake_options(server);
  o.reconnect.max_retries = 0;  // as enabled = false: nothing was given up
  Client client(loop, "http://h/", o);
  Recorder rec;
  rec.attach(client);
  loop.run_posted();
  server.current->end(errc::connect_refused, "");
  loop.advance(milliseconds(10'000));
  EXPECT_EQ(rec.log, (std::vector<std::string>{"error:TWINSOCK_ERR_CONNECT_REFUSED", "close"}));
  EXPECT_EQ(server.requests.size(), 1u);
}

TEST(SseClient, DestroyedInsideMessageCallback) {
  FakeLoop loop;
  FakeHttpServer server;
  auto client = std::make_unique<Client>(loop, "http://h/", fake_options(server));
  int messages = 0;
  auto sub = client->on_message.on([&](const MessageEvent&) {
    ++messages;
    client.reset();
  });
  loop.run_posted();
  server.current->head(200);
  server.current->data("data: 1\n\ndata: 2\n\n");
  EXPECT_EQ(messages, 1);
  EXPECT_EQ(client, nullptr);
  loop.advance(milliseconds(60'000));
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST(UrlResolve, RedirectLocations) {
  EXPECT_EQ(resolve_url("http://h/a/b?q", "https://x/y"), "https://x/y");
  EXPECT_EQ(resolve_url("https://h:1/a/b", "//g/p"), "https://g/p");
  EXPECT_EQ(resolve_url("http://h/a/b", "/c"), "http://h/c");
  EXPECT_EQ(resolve_url("http://h/a/b", "c"), "http://h/a/c");
  EXPECT_EQ(resolve_url("http://h/a/b?old", "?new"), "http://h/a/b?new");
  EXPECT_EQ(resolve_url("http://h", "c"), "http://h/c");
  EXPECT_EQ(resolve_url("http://[::1]:80/x/", "y"), "http://[::1]:80/x/y");
}

}  // namespace
}  // namespace twinsock::sse
