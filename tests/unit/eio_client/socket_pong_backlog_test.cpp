// eio::Socket against a server that pings without reading the answers: one unsent
// pong answers every ping, so such a server cannot grow the client's buffers.
#include <algorithm>

#include "eio_test_fixture.hpp"

namespace twinsock::eio {
namespace {

TEST_F(EioTest, PingsWhileAPostIsInFlightShareOnePong) {
  Socket& s = open_polling();
  ASSERT_FALSE(s.send({false, "a"}));  // a POST in flight: what follows waits in the write buffer
  std::string pings = "2";
  for (int i = 0; i < 9999; ++i) pings += "\x1e" "2";
  http.pending("GET")->ok(pings);
  ASSERT_FALSE(s.send({false, "b"}));
  http.pending("POST")->ok("ok");
  ASSERT_NE(http.pending("POST"), nullptr);
  EXPECT_EQ(http.pending("POST")->request.body, "3\x1e" "4b");
  http.pending("POST")->ok("ok");
  http.pending("GET")->ok("2");  // the pong left: the next ping gets its own
  ASSERT_NE(http.pending("POST"), nullptr);
  EXPECT_EQ(http.pending("POST")->request.body, "3");
  EXPECT_EQ(std::count(log.begin(), log.end(), "ping"), 10001);  // every ping still counts
}

TEST_F(EioTest, PingsOnAWebSocketThePeerDoesNotReadShareOnePong) {
  open_websocket();
  testing::WsConn& conn = *ws.last();
  conn.stalled = true;
  for (int i = 0; i < 10'000; ++i) conn.text("2");
  EXPECT_EQ(std::count(conn.sent.begin(), conn.sent.end(), "3"), 1);
  EXPECT_EQ(conn.unsent, 1u);
  conn.unsent = 0;  // the peer read it
  conn.text("2");
  EXPECT_EQ(std::count(conn.sent.begin(), conn.sent.end(), "3"), 2);
  EXPECT_EQ(closes, 0);
}

}  // namespace
}  // namespace twinsock::eio
