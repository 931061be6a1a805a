// eio::Socket's observer (how a Socket.IO Manager hears its engine): told of every
// event before the listeners, may destroy the socket, and can be detached.
#include "eio_test_fixture.hpp"

namespace twinsock::eio {
namespace {

using testing::HttpCall;

/// Logs into the test's log with an "observer:" prefix; can destroy the socket on a close.
class LoggingObserver final : public SocketObserver {
 public:
  explicit LoggingObserver(std::vector<std::string>& log) : log_(log) {}

  void on_engine_open(const HandshakeInfo& h) override { log_.push_back("observer:open:" + h.sid); }
  void on_engine_message(const Message& m) override {
    log_.push_back("observer:msg:" + m.data);
    if (destroy_on_message) destroy_on_message();
  }
  void on_engine_ping() override { log_.push_back("observer:ping"); }
  void on_engine_upgrade(const std::string& t) override { log_.push_back("observer:upgrade:" + t); }
  void on_engine_error(std::error_code ec, const std::string&) override {
    log_.push_back("observer:error:" + std::string(error_id(ec)));
  }
  void on_engine_close(const std::string& reason, std::error_code) override {
    log_.push_back("observer:close:" + reason);
  }

  std::function<void()> destroy_on_message;

 private:
  std::vector<std::string>& log_;
};

class EioObserverTest : public EioTest {
 protected:
  /// A websocket-only session that `observer` watches, open with sid "abc".
  Socket& open_observed() {
    SocketOptions o = options();
    o.transports = {"websocket"};
    Socket& s = make(std::move(o));
    s.set_observer(&observer);
    ws.last()->open();
    ws.last()->text(open_packet("abc"));
    return s;
  }

  LoggingObserver observer{log};
};

TEST_F(EioObserverTest, HearsEveryEventBeforeTheListeners) {
  open_observed();
  ws.last()->text("2");
  ws.last()->text("4hello");
  ws.last()->drop();
  loop.run_posted();
  EXPECT_EQ(log, (std::vector<std::string>{
                     "observer:open:abc", "open:abc", "observer:ping", "ping", "observer:msg:hello", "msg:hello",
                     "observer:error:TWINSOCK_ERR_CONNECTION_RESET", "error:TWINSOCK_ERR_CONNECTION_RESET",
                     "observer:close:transport error", "close:transport error"}));
}

TEST_F(EioObserverTest, HearsTheUpgrade) {
  Socket& s = make(options());
  s.set_observer(&observer);
  http.pending("GET")->ok(open_packet("abc", "[\"websocket\"]"));
  loop.run_posted();
  ASSERT_NE(ws.last(), nullptr);
  ws.last()->open();
  ws.last()->text("3probe");
  HttpCall* poll = http.pending("GET");
  ASSERT_NE(poll, nullptr);
  poll->ok("6");  // the server's noop ends the poll the upgrade waits for
  loop.run_posted();
  EXPECT_EQ(s.transport_name(), "websocket");
  EXPECT_TRUE(logged("observer:upgrade:websocket"));
  EXPECT_TRUE(logged("upgrade:websocket"));
}

TEST_F(EioObserverTest, OneThatDestroysTheSocketStopsTheListeners) {
  observer.destroy_on_message = [this] { socket.reset(); };
  open_observed();
  ws.last()->text("4first");
  loop.run_posted();
  EXPECT_EQ(socket, nullptr);
  EXPECT_EQ(log, (std::vector<std::string>{"observer:open:abc", "open:abc", "observer:msg:first"}));
}

TEST_F(EioObserverTest, DetachedHearsNothingMore) {
  open_observed().set_observer(nullptr);
  ws.last()->text("4after");
  loop.run_posted();
  EXPECT_EQ(log, (std::vector<std::string>{"observer:open:abc", "open:abc", "msg:after"}));
}

}  // namespace
}  // namespace twinsock::eio
