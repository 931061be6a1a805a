// eio::Socket: failure at every step of a scenario, and destruction from
// inside every callback (ASan/UBSan make any use-after-free fatal).
#include <functional>

#include "eio_test_fixture.hpp"

namespace twinsock::eio {
namespace {

using namespace std::chrono_literals;
using testing::HttpCall;

class EioFailAtStep : public EioTest, public ::testing::WithParamInterface<int> {
 protected:
  // A full session: handshake, messages both ways, ping, upgrade, more traffic.
  std::vector<std::function<void()>> scenario() {
    auto get = [this](std::string body) {
      return [this, body] {
        if (HttpCall* g = http.pending("GET")) g->ok(body);
      };
    };
    auto post_ok = [this] {
      if (HttpCall* p = http.pending("POST")) p->ok("ok");
    };
    auto probe = [this]() -> testing::WsConn* { return ws.conns.empty() ? nullptr : ws.conns.back().get(); };
    return {
        get(open_packet("s", "[\"websocket\"]", 300, 200)),
        [this] { (void)socket->send({false, "one"}); },
        get("4a\x1e" "2"),
        post_ok,
        [this] { (void)socket->send({true, std::string("\x01", 1)}); },
        [probe] {
          if (auto* p = probe()) p->open();
        },
        post_ok,
        [probe] {
          if (auto* p = probe()) p->text("3probe");
        },
        [this] { (void)socket->send({false, "buffered"}); },
        get("6"),
        [this] { loop.run_posted(); },
        [probe] {
          if (auto* p = probe()) p->text("4ws");
        },
        [probe] {
          if (auto* p = probe()) p->text("2");
        },
        [this] { loop.advance(100ms); },
    };
  }

  // Every live transport fails at once.
  void fail_everything() {
    for (auto& c : http.calls) c->fail(errc::connection_reset, "reset");
    for (auto& c : ws.conns) c->drop();
  }
};

TEST_P(EioFailAtStep, ExactlyOneCloseAndNothingAfter) {
  const int fail_at = GetParam();
  make(options());
  auto steps = scenario();
  for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
    if (i == fail_at) fail_everything();
    steps[static_cast<std::size_t>(i)]();
    loop.run_posted();
  }
  if (fail_at >= static_cast<int>(steps.size())) fail_everything();
  loop.run_posted();
  if (closes == 0) {  // only a probe was hit: the session survived; end it
    socket->close();
    loop.run_posted();
  }
  EXPECT_EQ(closes, 1);
  ASSERT_FALSE(log.empty());
  EXPECT_TRUE(log.back().starts_with("close:")) << log.back();
  const std::size_t events = log.size();
  // Late traffic finds nothing.
  for (auto& c : http.calls) c->ok("4late");
  for (auto& c : ws.conns) c->text("4late");
  loop.advance(10min);
  EXPECT_EQ(log.size(), events);
  EXPECT_EQ(loop.timer_count(), 0u);
  EXPECT_EQ(socket->ready_state(), ReadyState::closed);
  EXPECT_EQ(socket->send({false, "x"}), errc::invalid_state);
}

INSTANTIATE_TEST_SUITE_P(Steps, EioFailAtStep, ::testing::Range(0, 15));

// Destroys the socket from inside the named event.
class EioDestroyIn : public EioTest {
 protected:
  template <typename Ev>
  void destroy_in(Ev& event) {
    kept.push_back(event.on([this](auto&&...) { socket.reset(); }));
  }
  std::vector<Subscription> kept;
};

TEST_F(EioDestroyIn, OnOpen) {
  make(options());
  destroy_in(socket->on_open);
  http.pending("GET")->ok(open_packet() + "\x1e" "4after-open");
  EXPECT_EQ(socket, nullptr);
  EXPECT_EQ(log, std::vector<std::string>{"open:abc"});
  loop.advance(1min);
}

TEST_F(EioDestroyIn, OnMessageMidBatch) {
  open_polling();
  destroy_in(socket->on_message);
  http.pending("GET")->ok("4one\x1e" "4two\x1e" "2");
  EXPECT_EQ(socket, nullptr);
  EXPECT_EQ(log.back(), "msg:one");
  EXPECT_TRUE(http.live("POST").empty());
  loop.advance(1min);
}

TEST_F(EioDestroyIn, OnPing) {
  open_websocket();
  destroy_in(socket->on_ping);
  ws.last()->text("2");
  EXPECT_EQ(socket, nullptr);
  EXPECT_EQ(ws.last()->sent.back(), "3");
  loop.advance(1min);
}

TEST_F(EioDestroyIn, OnUpgrade) {
  open_polling(open_packet("abc", "[\"websocket\"]"));
  destroy_in(socket->on_upgrade);
  ws.last()->open();
  ws.last()->text("3probe");
  http.pending("GET")->ok("6");
  EXPECT_EQ(socket, nullptr);
  loop.advance(1min);
}

TEST_F(EioDestroyIn, OnUpgradeWhenPauseEndsWithThePost) {
  open_polling(open_packet("abc", "[\"websocket\"]"));
  ASSERT_FALSE(socket->send({false, "x"}));
  destroy_in(socket->on_upgrade);
  ws.last()->open();
  ws.last()->text("3probe");
  http.pending("GET")->ok("6");
  EXPECT_NE(socket, nullptr);
  http.pending("POST")->ok("ok");
  EXPECT_EQ(socket, nullptr);
  loop.advance(1min);
}

TEST_F(EioDestroyIn, OnProbeError) {
  open_polling(open_packet("abc", "[\"websocket\"]"));
  destroy_in(socket->on_upgrade_error);
  ws.last()->drop();
  EXPECT_EQ(socket, nullptr);
  loop.advance(1min);
}

TEST_F(EioDestroyIn, OnErrorBeforeClose) {
  open_polling();
  destroy_in(socket->on_error);
  http.pending("GET")->fail();
  EXPECT_EQ(socket, nullptr);
  EXPECT_EQ(closes, 0);  // destroyed before on_close: nothing more
  loop.advance(1min);
}

TEST_F(EioDestroyIn, OnCloseFromServer) {
  open_websocket();
  destroy_in(socket->on_close);
  ws.last()->text("1");
  EXPECT_EQ(socket, nullptr);
  loop.advance(1min);
}

TEST_F(EioDestroyIn, OnCloseFromPingTimeout) {
  open_polling(open_packet("abc", "[]", 300, 200));
  destroy_in(socket->on_close);
  loop.advance(1s);
  EXPECT_EQ(socket, nullptr);
  EXPECT_EQ(closes, 1);
}

TEST_F(EioDestroyIn, OnCloseAfterUserClose) {
  open_polling();
  destroy_in(socket->on_close);
  socket->close();
  loop.run_posted();
  EXPECT_EQ(socket, nullptr);
  EXPECT_EQ(closes, 1);
  for (auto& c : http.calls) c->ok("ok");  // the close POST may end after the socket is gone
}

TEST_F(EioDestroyIn, WhileRequestsAreInFlight) {
  open_polling(open_packet("abc", "[\"websocket\"]"));
  ASSERT_FALSE(socket->send({false, "x"}));
  ws.last()->open();
  socket.reset();
  EXPECT_TRUE(http.live("GET").empty());
  EXPECT_TRUE(http.live("POST").empty());
  EXPECT_EQ(ws.last()->live, nullptr);
  loop.advance(1min);
  EXPECT_EQ(closes, 0);  // destruction is silent
}

}  // namespace
}  // namespace twinsock::eio
