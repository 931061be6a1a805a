// A hostile server (the scripted peer) against the WebSocket and SSE clients.
// Every limit ends the connection with its own error id and a detail that names
// the limit and its value, before the client holds much more than the limit;
// floods and stalls neither hang the client nor grow its memory. A flood offers
// 100 MiB: the peer having written less than that shows the client stopped
// reading, and the heap the client used is measured while it runs.
#include <gtest/gtest.h>

#include <zlib.h>

#include <cstdio>
#include <string>
#include <vector>

#include "heap_watch.hpp"
#include "hostile_support.hpp"
#include "run_until.hpp"
#include "scripted_peer.hpp"
#include "twinsock/error.hpp"
#include "twinsock/sse/client.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock {
namespace {

using std::chrono::milliseconds;
using testing::expect_flood_cut;
using testing::flood;
using testing::HeapWatch;
using testing::kFloodBytes;
using testing::kSlack;
using testing::report;
using testing::run_until;
using testing::ScriptedPeer;
using Steps = std::vector<ScriptedPeer::Step>;

struct WsRun {
  std::string error, detail;
  std::optional<ws::CloseInfo> close;
  bool opened = false;
  std::vector<std::string> messages;
  std::size_t heap_growth = 0;
};

WsRun run_ws(ScriptedPeer& peer, ws::ClientOptions o = {}) {
  WsRun r;
  r.messages.reserve(4);
  HeapWatch heap;
  {
    native::PollLoop loop;
    o.reconnect.enabled = false;
    ws::Client client(loop, peer.url(), o);
    auto a = client.on_open.on([&] { r.opened = true; });
    auto b = client.on_message.on([&](const ws::Message& m) { r.messages.push_back(m.data); });
    auto c = client.on_error.on([&](std::error_code ec, const std::string& detail) {
      if (!r.error.empty()) return;
      r.error = error_id(ec);
      r.detail = detail;
    });
    auto d = client.on_close.on([&](const ws::CloseInfo& i) { r.close = i; });
    EXPECT_TRUE(run_until(
        loop,
        [&] {
          heap.sample();
          return r.close.has_value();
        },
        std::chrono::seconds(20)))
        << "client hung";
  }
  r.heap_growth = heap.growth();
  report(r.error.empty() ? "" : r.error + " " + r.detail, r.heap_growth);
  return r;
}

std::string head_101(const std::string& key) { return ScriptedPeer::good_101(key); }

constexpr const char* kNoResponse =
    "the server closed the connection without a response (if that port speaks TLS, use https:// or wss://)";

TEST(HostileWebSocket, AServerThatClosesWithoutAResponseIsNamed) {
  ScriptedPeer peer([](const std::string&) { return Steps{}; });  // reads the request, then closes
  const WsRun r = run_ws(peer);
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_CONNECTION_CLOSED");
  EXPECT_EQ(r.detail, kNoResponse);
}

TEST(HostileWebSocket, HeaderWithoutEndStopsAtMaxHeadBytes) {
  ScriptedPeer peer([](const std::string&) {
    return Steps{{"HTTP/1.1 101 Switching Protocols\r\nX-Endless: "}, flood("x")};
  });
  ws::ClientOptions o;
  o.http_limits.max_head_bytes = 4096;
  const WsRun r = run_ws(peer, o);
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_HTTP_HEADER_TOO_LARGE");
  EXPECT_NE(r.detail.find("http_limits.max_head_bytes (4096 bytes)"), std::string::npos) << r.detail;
  EXPECT_LT(r.heap_growth, kSlack);
  expect_flood_cut(peer);
}

TEST(HostileWebSocket, EndlessHeaderLinesStopAtTheDefaultHeadLimit) {
  ScriptedPeer peer([](const std::string&) {
    return Steps{{"HTTP/1.1 101 Switching Protocols\r\n"}, flood("X-Line: again\r\n")};
  });
  const WsRun r = run_ws(peer);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_HTTP_HEADER_TOO_LARGE");
  EXPECT_NE(r.detail.find("(16384 bytes)"), std::string::npos) << r.detail;
  EXPECT_LT(r.heap_growth, kSlack);
  expect_flood_cut(peer);
}

TEST(HostileWebSocket, TooManyHeaderFields) {
  ScriptedPeer peer([](const std::string& key) {
    std::string extra;
    for (int i = 0; i < 30; ++i) extra += "X-" + std::to_string(i) + ": v\r\n";
    return Steps{{ScriptedPeer::good_101(key, extra), 200}};
  });
  ws::ClientOptions o;
  o.http_limits.max_headers = 20;
  const WsRun r = run_ws(peer, o);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_HTTP_TOO_MANY_HEADERS");
  EXPECT_NE(r.detail.find("http_limits.max_headers (20)"), std::string::npos) << r.detail;
}

TEST(HostileWebSocket, SlowlorisHandshakeHitsTheConnectionTimeout) {
  // One byte at a time, each well within the timeout: only an overall deadline ends it.
  ScriptedPeer peer(
      [](const std::string& key) {
        Steps steps;
        for (char c : head_101(key)) steps.push_back({std::string(1, c), 150});
        return steps;
      },
      /*close_after=*/false);
  ws::ClientOptions o;
  o.connection_timeout = milliseconds(600);
  const WsRun r = run_ws(peer, o);
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_HANDSHAKE_TIMEOUT");
  EXPECT_NE(r.detail.find("connection_timeout (600 ms)"), std::string::npos) << r.detail;
  EXPECT_GE(peer.bytes_written(), 2u);  // bytes did trickle in
}

TEST(HostileWebSocket, FrameLengthOf2To63MinusOneIsRefusedFromItsHeader) {
  ScriptedPeer peer([](const std::string& key) {
    return Steps{{head_101(key) + std::string("\x82\x7f\x7f\xff\xff\xff\xff\xff\xff\xff", 10)}, flood("x")};
  });
  ws::ClientOptions o;
  o.max_message_size = 1 << 20;
  const WsRun r = run_ws(peer, o);
  EXPECT_TRUE(r.opened);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_WS_MESSAGE_TOO_BIG");
  EXPECT_NE(r.detail.find("max_message_size (1048576 bytes)"), std::string::npos) << r.detail;
  EXPECT_EQ(peer.client_close_code(), 1009);
  EXPECT_LT(r.heap_growth, kSlack);
  expect_flood_cut(peer);
}

TEST(HostileWebSocket, FrameLengthOf2To63IsAProtocolError) {
  ScriptedPeer peer([](const std::string& key) {
    return Steps{{head_101(key) + std::string("\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x00", 10)}, flood("x")};
  });
  const WsRun r = run_ws(peer);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_WS_BAD_LENGTH");
  EXPECT_EQ(peer.client_close_code(), 1002);
  EXPECT_LT(r.heap_growth, kSlack);
  expect_flood_cut(peer);
}

TEST(HostileWebSocket, EndlessEmptyContinuationFramesStopAtMaxFragments) {
  ScriptedPeer peer([](const std::string& key) {
    return Steps{{head_101(key) + ScriptedPeer::frame(0x01, "a")}, flood(std::string("\x00\x00", 2))};
  });
  ws::ClientOptions o;
  o.max_fragments = 1000;
  const WsRun r = run_ws(peer, o);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_WS_TOO_MANY_FRAGMENTS");
  EXPECT_NE(r.detail.find("max_fragments (1000 frames)"), std::string::npos) << r.detail;
  EXPECT_EQ(peer.client_close_code(), 1009);
  EXPECT_TRUE(r.messages.empty());
  EXPECT_LT(r.heap_growth, kSlack);
  expect_flood_cut(peer);
}

TEST(HostileWebSocket, EndlessContinuationFramesWithDataStopAtMaxMessageSize) {
  ScriptedPeer peer([](const std::string& key) {
    return Steps{{head_101(key) + ScriptedPeer::frame(0x02, "a")}, flood(ScriptedPeer::frame(0x00, std::string(100, 'x')))};
  });
  ws::ClientOptions o;
  o.max_message_size = 1 << 20;
  const WsRun r = run_ws(peer, o);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_WS_MESSAGE_TOO_BIG");
  EXPECT_EQ(peer.client_close_code(), 1009);
  EXPECT_LT(r.heap_growth, (2u << 20) + kSlack);  // the message buffer (<= 1 MiB) and its last reallocation
  expect_flood_cut(peer);
}

TEST(HostileWebSocket, PingFloodFromAPeerThatDoesNotReadIsProcessedInBoundedMemory) {
  // 130,000 pings while the peer reads nothing back (a 4 KiB receive buffer): the
  // client keeps reading and answering, then gets the message behind them. The
  // kernel takes most pongs here; that a backed-up client holds at most a few
  // unsent ones is tested on the ReplyBacklog itself (tests/unit/common). The
  // peer keeps the connection (closing it with unread pongs would reset it).
  const std::string ping("\x89\x00", 2);
  std::string chunk;
  for (std::size_t i = 0; i < 64 * 1024 / ping.size(); ++i) chunk += ping;
  ScriptedPeer peer(
      [&](const std::string& key) {
        return Steps{{head_101(key)},
                     {chunk, 0, 4},
                     {ScriptedPeer::frame(0x81, "done") + ScriptedPeer::frame(0x88, "\x03\xe8"), 300}};
      },
      /*close_after=*/false, /*receive_buffer=*/4096);
  ws::ClientOptions o;
  o.close_timeout = milliseconds(200);  // the peer never closes the TCP connection
  const WsRun r = run_ws(peer, o);
  EXPECT_EQ(r.error, "");
  ASSERT_EQ(r.messages.size(), 1u);  // still processing after the flood
  EXPECT_EQ(r.messages[0], "done");
  ASSERT_TRUE(r.close.has_value());
  EXPECT_EQ(r.close->code, 1000);
  EXPECT_LT(r.heap_growth, kSlack);
}

std::string deflate_raw(const std::string& input) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
  std::string out(input.size() / 100 + 1024, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_SYNC_FLUSH);
  out.resize(out.size() - z.avail_out - 4);  // drop 00 00 ff ff
  deflateEnd(&z);
  return out;
}

TEST(HostileWebSocket, DeflateBombStopsAtMaxMessageSizeOfInflatedData) {
  const std::string bomb = deflate_raw(std::string(16 << 20, '\0'));  // 16 MiB of zeros in ~16 KiB
  ScriptedPeer peer([&](const std::string& key) {
    return Steps{{ScriptedPeer::good_101(key, "Sec-WebSocket-Extensions: permessage-deflate\r\n") +
                      ScriptedPeer::frame(0xC2, bomb),
                  300}};
  });
  ws::ClientOptions o;
  o.per_message_deflate = true;
  o.max_message_size = 1 << 20;
  const WsRun r = run_ws(peer, o);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_WS_INFLATE_TOO_BIG");
  EXPECT_NE(r.detail.find("decompressed message exceeds max_message_size (1048576 bytes)"), std::string::npos)
      << r.detail;
  EXPECT_EQ(peer.client_close_code(), 1009);
  EXPECT_TRUE(r.messages.empty());
  EXPECT_LT(r.heap_growth, (2u << 20) + kSlack);  // the compressed frame and the inflated output, each <= 1 MiB
}

// ---- SSE

struct SseRun {
  std::string error, detail;
  int opens = 0;
  std::size_t heap_growth = 0;
};

SseRun run_sse(ScriptedPeer& peer, sse::ClientOptions o = {}) {
  SseRun r;
  HeapWatch heap;
  {
    native::PollLoop loop;
    o.reconnect.enabled = false;
    sse::Client client(loop, "http://127.0.0.1:" + std::to_string(peer.port()) + "/events", o);
    bool closed = false;
    auto a = client.on_open.on([&] { ++r.opens; });
    auto b = client.on_error.on([&](std::error_code ec, const std::string& detail, int) {
      if (!r.error.empty()) return;
      r.error = error_id(ec);
      r.detail = detail;
    });
    auto c = client.on_close.on([&] { closed = true; });
    EXPECT_TRUE(run_until(
        loop,
        [&] {
          heap.sample();
          return closed;
        },
        std::chrono::seconds(20)))
        << "client hung";
  }
  r.heap_growth = heap.growth();
  report(r.error.empty() ? "" : r.error + " " + r.detail, r.heap_growth);
  return r;
}

TEST(HostileSse, AServerThatClosesWithoutAResponseIsNamed) {
  ScriptedPeer peer([](const std::string&) { return Steps{}; });
  const SseRun r = run_sse(peer);
  EXPECT_EQ(r.opens, 0);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_CONNECTION_CLOSED");
  EXPECT_EQ(r.detail, kNoResponse);
}

const char* const kStreamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
constexpr std::size_t kGrownBuffer = testing::grown_string(1 << 20);  // the event's data

// A stream head (or part of one), then a flood that breaks one limit.
struct SseFlood {
  const char* name;
  std::string start;
  std::string unit;
  const char* error;
  const char* detail;
  std::size_t heap_bound;
};

class HostileSseFlood : public ::testing::TestWithParam<SseFlood> {};

TEST_P(HostileSseFlood, StopsAtItsLimit) {
  const SseFlood& c = GetParam();
  ScriptedPeer peer([&](const std::string&) { return Steps{{c.start}, flood(c.unit)}; });
  sse::ClientOptions o;
  o.max_event_size = 1 << 20;
  o.http_limits.max_head_bytes = 8192;
  const SseRun r = run_sse(peer, o);
  EXPECT_EQ(r.error, c.error);
  EXPECT_NE(r.detail.find(c.detail), std::string::npos) << r.detail;
  EXPECT_LT(r.heap_growth, c.heap_bound);
  expect_flood_cut(peer);
}

INSTANTIATE_TEST_SUITE_P(
    Limits, HostileSseFlood,
    ::testing::Values(
        SseFlood{"endless_id_line", std::string(kStreamHead) + "id: ", "x", "TWINSOCK_ERR_SSE_LINE_TOO_LONG",
                 "a line exceeds max_line_length (65536 bytes)", kSlack},
        // A data line may be as long as an event (one line of JSON is common): max_event_size bounds it.
        SseFlood{"endless_data_line", std::string(kStreamHead) + "data: ", "x", "TWINSOCK_ERR_SSE_EVENT_TOO_LARGE",
                 "an event's data exceeds max_event_size (1048576 bytes)", kGrownBuffer + kSlack},
        SseFlood{"endless_event", kStreamHead, "data: " + std::string(1000, 'x') + "\n",
                 "TWINSOCK_ERR_SSE_EVENT_TOO_LARGE", "max_event_size (1048576 bytes)", kGrownBuffer + kSlack},
        SseFlood{"header_without_end", "HTTP/1.1 200 OK\r\nX-Endless: ", "x", "TWINSOCK_ERR_HTTP_HEADER_TOO_LARGE",
                 "response head exceeds http_limits.max_head_bytes (8192 bytes)", kSlack}),
    [](const ::testing::TestParamInfo<SseFlood>& info) { return info.param.name; });

TEST(HostileSse, EndlessInterimResponsesHitTheConnectionTimeout) {
  ScriptedPeer peer([](const std::string&) { return Steps{flood("HTTP/1.1 100 Continue\r\n\r\n")}; });
  sse::ClientOptions o;
  o.connection_timeout = milliseconds(500);
  const SseRun r = run_sse(peer, o);
  EXPECT_EQ(r.opens, 0);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_HANDSHAKE_TIMEOUT");
  EXPECT_NE(r.detail.find("500 ms"), std::string::npos) << r.detail;  // the client's or the request's timer
  EXPECT_LT(r.heap_growth, kSlack);
}

TEST(HostileSse, ABodyInAContentCodingNotAskedForIsAnError) {
  // The request sends no Accept-Encoding; a gzip body would otherwise pass as unreadable text.
  ScriptedPeer peer([](const std::string&) {
    return Steps{{"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n\r\n"
                  "\x1f\x8b\x08\x00\x00\x00\x00\x00",
                  300}};
  });
  const SseRun r = run_sse(peer);
  EXPECT_EQ(r.opens, 0);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_HTTP_CONTENT_ENCODING");
  EXPECT_EQ(r.detail, "Content-Encoding: gzip (this client decodes none)");
  EXPECT_EQ(peer.request().find("Accept-Encoding"), std::string::npos);
}

}  // namespace
}  // namespace twinsock
