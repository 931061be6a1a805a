// Autobahn-style conformance: a scripted peer plays a bad or edge-case server;
// the client must end with the right error id and close code, never crash or hang.
#include <gtest/gtest.h>

#include <zlib.h>

#include <string>

#include "run_until.hpp"
#include "scripted_peer.hpp"
#include "twinsock/error.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::ws {
namespace {

using std::chrono::milliseconds;
using testing::run_until;
using testing::ScriptedPeer;
using Steps = std::vector<ScriptedPeer::Step>;

struct Result {
  std::vector<std::string> messages;
  std::string error;  // first error id
  std::optional<CloseInfo> close;
  bool opened = false;
};

Result run_against(ScriptedPeer& peer, ClientOptions o = {}, std::string path = "/") {
  native::PollLoop loop;
  o.reconnect.enabled = false;
  Client client(loop, peer.url(path), o);
  Result r;
  auto a = client.on_open.on([&] { r.opened = true; });
  auto b = client.on_message.on([&](const Message& m) { r.messages.push_back(m.data); });
  auto c = client.on_error.on([&](std::error_code ec, const std::string&) {
    if (r.error.empty()) r.error = error_id(ec);
  });
  auto d = client.on_close.on([&](const CloseInfo& i) { r.close = i; });
  EXPECT_TRUE(run_until(loop, [&] { return r.close.has_value(); }, std::chrono::seconds(20))) << "client hung";
  run_until(loop, [] { return false; }, milliseconds(100));  // let the close frame go out
  return r;
}

// A peer that completes the handshake, then sends `frames`, then waits.
ScriptedPeer after_handshake(std::string frames, bool close_after = true) {
  return ScriptedPeer(
      [frames](const std::string& key) { return Steps{{ScriptedPeer::good_101(key) + frames, 300}}; }, close_after);
}

struct FrameCase {
  const char* name;
  std::string frames;
  const char* error;
  int close_code;  // what the client must send back
};

class BadFrames : public ::testing::TestWithParam<FrameCase> {};

TEST_P(BadFrames, EndWithTheRightErrorAndCloseCode) {
  const FrameCase& c = GetParam();
  auto peer = after_handshake(c.frames);
  ClientOptions o;
  o.max_message_size = 1024;
  Result r = run_against(peer, o);
  EXPECT_TRUE(r.opened);
  EXPECT_EQ(r.error, c.error);
  ASSERT_TRUE(r.close.has_value());
  EXPECT_EQ(r.close->code, 1006);
  EXPECT_FALSE(r.close->was_clean);
  EXPECT_EQ(peer.client_close_code(), c.close_code);
  auto frame = peer.client_frame();
  ASSERT_TRUE(frame.has_value());
  EXPECT_TRUE(frame->masked);  // RFC 6455 §5.3: every client frame is masked
}

std::string masked_text() {  // a masked "Hello" (RFC 6455 §5.7): servers must not mask
  return std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
}

INSTANTIATE_TEST_SUITE_P(
    Autobahn, BadFrames,
    ::testing::Values(
        FrameCase{"masked_frame", masked_text(), "TWINSOCK_ERR_WS_MASKED_FRAME", 1002},
        FrameCase{"reserved_bits", ScriptedPeer::frame(0xC1, "x"), "TWINSOCK_ERR_WS_RESERVED_BITS", 1002},
        FrameCase{"rsv2", ScriptedPeer::frame(0xA1, "x"), "TWINSOCK_ERR_WS_RESERVED_BITS", 1002},
        FrameCase{"unknown_opcode", ScriptedPeer::frame(0x83, "x"), "TWINSOCK_ERR_WS_BAD_OPCODE", 1002},
        FrameCase{"unknown_control_opcode", ScriptedPeer::frame(0x8B, ""), "TWINSOCK_ERR_WS_BAD_OPCODE", 1002},
        FrameCase{"length_msb_set", std::string("\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x01", 10),
                  "TWINSOCK_ERR_WS_BAD_LENGTH", 1002},
        FrameCase{"too_big", ScriptedPeer::frame(0x82, std::string(1025, 'x')), "TWINSOCK_ERR_WS_MESSAGE_TOO_BIG", 1009},
        FrameCase{"too_big_in_fragments",
                  ScriptedPeer::frame(0x02, std::string(600, 'x')) + ScriptedPeer::frame(0x80, std::string(600, 'x')),
                  "TWINSOCK_ERR_WS_MESSAGE_TOO_BIG", 1009},
        FrameCase{"invalid_utf8", ScriptedPeer::frame(0x81, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"),
                  "TWINSOCK_ERR_WS_INVALID_UTF8", 1007},
        FrameCase{"invalid_utf8_across_fragments",
                  ScriptedPeer::frame(0x01, "ok \xf4") + ScriptedPeer::frame(0x00, "\x90") +
                      ScriptedPeer::frame(0x80, "\x80\x80"),
                  "TWINSOCK_ERR_WS_INVALID_UTF8", 1007},
        FrameCase{"continuation_without_start", ScriptedPeer::frame(0x80, "x"),
                  "TWINSOCK_ERR_WS_UNEXPECTED_CONTINUATION", 1002},
        FrameCase{"new_message_inside_fragmented_one",
                  ScriptedPeer::frame(0x01, "a") + ScriptedPeer::frame(0x81, "b"),
                  "TWINSOCK_ERR_WS_EXPECTED_CONTINUATION", 1002},
        FrameCase{"fragmented_ping", ScriptedPeer::frame(0x09, "x"), "TWINSOCK_ERR_WS_CONTROL_FRAGMENTED", 1002},
        FrameCase{"long_ping", ScriptedPeer::frame(0x89, std::string(126, 'p')), "TWINSOCK_ERR_WS_CONTROL_TOO_LONG",
                  1002},
        FrameCase{"close_one_byte", ScriptedPeer::frame(0x88, "\x03"), "TWINSOCK_ERR_WS_BAD_CLOSE_PAYLOAD", 1002},
        FrameCase{"close_code_1005", ScriptedPeer::frame(0x88, std::string("\x03\xed", 2)),
                  "TWINSOCK_ERR_WS_BAD_CLOSE_CODE", 1002},
        FrameCase{"close_code_999", ScriptedPeer::frame(0x88, std::string("\x03\xe7", 2)),
                  "TWINSOCK_ERR_WS_BAD_CLOSE_CODE", 1002},
        FrameCase{"close_code_5000", ScriptedPeer::frame(0x88, std::string("\x13\x88", 2)),
                  "TWINSOCK_ERR_WS_BAD_CLOSE_CODE", 1002},
        FrameCase{"close_reason_bad_utf8", ScriptedPeer::frame(0x88, std::string("\x03\xe8\xff", 3)),
                  "TWINSOCK_ERR_WS_INVALID_CLOSE_REASON", 1007}),
    [](const ::testing::TestParamInfo<FrameCase>& info) { return info.param.name; });

struct HandshakeCase {
  const char* name;
  std::function<std::string(const std::string& key)> response;
  const char* error;
};

class BadHandshakes : public ::testing::TestWithParam<HandshakeCase> {};

TEST_P(BadHandshakes, FailWithTheirOwnErrorId) {
  const HandshakeCase& c = GetParam();
  ScriptedPeer peer([&](const std::string& key) { return Steps{{c.response(key), 200}}; });
  ClientOptions o;
  o.subprotocols = {"chat"};
  Result r = run_against(peer, o);
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, c.error);
  ASSERT_TRUE(r.close.has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Autobahn, BadHandshakes,
    ::testing::Values(
        HandshakeCase{"wrong_accept",
                      [](const std::string&) {
                        return std::string("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                                           "Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
                      },
                      "TWINSOCK_ERR_WS_HANDSHAKE_BAD_ACCEPT"},
        HandshakeCase{"no_upgrade_header",
                      [](const std::string& key) {
                        return "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
                               ScriptedPeer::accept_for(key) + "\r\n\r\n";
                      },
                      "TWINSOCK_ERR_WS_HANDSHAKE_BAD_UPGRADE"},
        HandshakeCase{"unrequested_subprotocol",
                      [](const std::string& key) {
                        return ScriptedPeer::good_101(key, "Sec-WebSocket-Protocol: other\r\n");
                      },
                      "TWINSOCK_ERR_WS_HANDSHAKE_BAD_SUBPROTOCOL"},
        HandshakeCase{"unrequested_extension",
                      [](const std::string& key) {
                        return ScriptedPeer::good_101(key, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
                      },
                      "TWINSOCK_ERR_WS_HANDSHAKE_BAD_EXTENSION"},
        HandshakeCase{"status_200", [](const std::string&) { return std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"); },
                      "TWINSOCK_ERR_WS_HANDSHAKE_BAD_STATUS"},
        HandshakeCase{"garbage", [](const std::string&) { return std::string("\x16\x03\x01 not http at all\r\n\r\n"); },
                      "TWINSOCK_ERR_HTTP_BAD_STATUS_LINE"},
        HandshakeCase{"truncated_head",
                      [](const std::string&) { return std::string("HTTP/1.1 101 Switching Protocols\r\nUpgr"); },
                      "TWINSOCK_ERR_HTTP_TRUNCATED"}),
    [](const ::testing::TestParamInfo<HandshakeCase>& info) { return info.param.name; });

TEST(Conformance, FramesRightBehindThe101AreDelivered) {
  auto peer = after_handshake(ScriptedPeer::frame(0x81, "first") + ScriptedPeer::frame(0x88, "\x03\xe8"));
  Result r = run_against(peer);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0], "first");
  EXPECT_EQ(r.close->code, 1000);
  EXPECT_TRUE(r.close->was_clean);
  EXPECT_EQ(peer.client_close_code(), 1000);  // the close is echoed
}

TEST(Conformance, PingsInterleavedWithFragmentsAreAnsweredAndTheMessageAssembled) {
  auto peer = after_handshake(ScriptedPeer::frame(0x01, "frag") + ScriptedPeer::frame(0x89, "p1") +
                              ScriptedPeer::frame(0x00, "men") + ScriptedPeer::frame(0x80, "ted"));
  Result r = run_against(peer);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0], "fragmented");
  auto frame = peer.client_frame();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->opcode, 0xA);  // pong
  EXPECT_EQ(frame->payload, "p1");
}

TEST(Conformance, EmptyCloseFrameIs1005) {
  auto peer = after_handshake(ScriptedPeer::frame(0x88, ""));
  Result r = run_against(peer);
  EXPECT_EQ(r.close->code, 1005);
  EXPECT_TRUE(r.close->was_clean);
  EXPECT_EQ(r.error, "");
}

TEST(Conformance, DroppedConnectionWithoutCloseFrameIs1006WithItsCause) {
  // As the browser twin reports it: an error event and a close that say why.
  auto peer = after_handshake("");
  Result r = run_against(peer);
  EXPECT_TRUE(r.opened);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_CONNECTION_CLOSED");
  EXPECT_EQ(r.close->code, 1006);
  EXPECT_FALSE(r.close->was_clean);
  EXPECT_EQ(r.close->error, errc::connection_closed);
  EXPECT_EQ(r.close->detail, "the server closed the connection without a close frame");
}

TEST(Conformance, PeerStallingMidFrameIsCaughtByTheHeartbeat) {
  auto peer = after_handshake(std::string("\x81\x7e\x10\x00partial", 11), /*close_after=*/false);
  ClientOptions o;
  o.heartbeat_interval = milliseconds(100);
  o.heartbeat_timeout = milliseconds(300);
  Result r = run_against(peer, o);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_HEARTBEAT_TIMEOUT");
  EXPECT_EQ(r.close->code, 1006);
}

TEST(Conformance, PeerStallingDuringTheHandshakeTimesOut) {
  ScriptedPeer peer([](const std::string&) { return Steps{{"HTTP/1.1 101 Swi", 0}}; }, /*close_after=*/false);
  ClientOptions o;
  o.connection_timeout = milliseconds(300);
  Result r = run_against(peer, o);
  EXPECT_FALSE(r.opened);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_HANDSHAKE_TIMEOUT");
}

// A client that closes (1000, "bye") as soon as it is open: its last error id and how it closed.
std::pair<std::string, std::optional<CloseInfo>> close_on_open(ScriptedPeer& peer, ClientOptions o = {}) {
  native::PollLoop loop;
  o.reconnect.enabled = false;
  Client client(loop, peer.url(), o);
  std::string error;
  std::optional<CloseInfo> closed;
  auto a = client.on_open.on([&] { client.close(1000, "bye"); });
  auto b = client.on_error.on([&](std::error_code ec, const std::string&) { error = error_id(ec); });
  auto c = client.on_close.on([&](const CloseInfo& i) { closed = i; });
  EXPECT_TRUE(run_until(loop, [&] { return closed.has_value(); }, std::chrono::seconds(20))) << "client hung";
  return {error, closed};
}

TEST(Conformance, PeerThatNeverAnswersTheCloseIsDroppedAfterTheCloseTimeout) {
  auto peer = after_handshake("", /*close_after=*/false);
  ClientOptions o;
  o.close_timeout = milliseconds(200);
  const auto [error, closed] = close_on_open(peer, o);
  EXPECT_EQ(error, "TWINSOCK_ERR_CLOSE_TIMEOUT");
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->code, 1006);
}

// The deflate bomb: hostile_ws_sse_test.cpp (DeflateBombStopsAtMaxMessageSizeOfInflatedData).

TEST(Conformance, CorruptDeflateDataIs1007) {
  ScriptedPeer peer([&](const std::string& key) {
    return Steps{{ScriptedPeer::good_101(key, "Sec-WebSocket-Extensions: permessage-deflate\r\n") +
                      ScriptedPeer::frame(0xC1, "\xff\xff\xff\xff garbage"),
                  300}};
  });
  ClientOptions o;
  o.per_message_deflate = true;
  Result r = run_against(peer, o);
  EXPECT_EQ(r.error, "TWINSOCK_ERR_WS_INFLATE_FAILED");
  EXPECT_EQ(peer.client_close_code(), 1007);
}

TEST(Conformance, RequestIsAValidUpgrade) {
  auto peer = after_handshake(ScriptedPeer::frame(0x88, "\x03\xe8"));
  ClientOptions o;
  o.subprotocols = {"a", "b"};
  run_against(peer, o, "/path?q=1");
  const std::string req = peer.request();
  EXPECT_EQ(req.rfind("GET /path?q=1 HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("Sec-WebSocket-Version: 13\r\n"), std::string::npos);
  EXPECT_NE(req.find("Sec-WebSocket-Protocol: a, b\r\n"), std::string::npos) << req;
  EXPECT_NE(req.find("Host: 127.0.0.1:" + std::to_string(peer.port()) + "\r\n"), std::string::npos);
}

TEST(Conformance, InterimResponsesBeforeThe101AreSkipped) {
  // RFC 9110 §15.2: a client parses 1xx responses that come before the final one.
  ScriptedPeer peer([](const std::string& key) {
    return Steps{{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" +
                      ScriptedPeer::good_101(key) + ScriptedPeer::frame(0x81, "hi") + ScriptedPeer::frame(0x88, "\x03\xe8"),
                  300}};
  });
  Result r = run_against(peer);
  EXPECT_TRUE(r.opened);
  EXPECT_EQ(r.error, "");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0], "hi");
}

TEST(Conformance, ABurstOfPingsGetsAPongForTheLatest) {
  // §5.5.3 lets the client skip pongs for older pings of a burst, never for the latest.
  std::string pings;
  for (int i = 0; i < 12; ++i) pings += ScriptedPeer::frame(0x89, "p" + std::to_string(i));
  ScriptedPeer peer([&](const std::string& key) {
    return Steps{{ScriptedPeer::good_101(key) + pings, 300}, {ScriptedPeer::frame(0x88, "\x03\xe8")}};
  });
  peer.record_all_frames();
  run_against(peer);
  std::vector<std::string> pongs;
  for (const ScriptedPeer::Frame& f : peer.client_frames())
    if (f.opcode == 0xA) pongs.push_back(f.payload);
  ASSERT_FALSE(pongs.empty());
  EXPECT_EQ(pongs.back(), "p11");
  EXPECT_LE(pongs.size(), 12u);
}

TEST(Conformance, AProtocolErrorAfterOurCloseSendsNoSecondClose) {
  // §5.5.1: one close frame per side; ours went when the client closed.
  ScriptedPeer peer([](const std::string& key) {
    return Steps{{ScriptedPeer::good_101(key), 200}, {ScriptedPeer::frame(0x83, ""), 300}};  // reserved opcode 3
  });
  peer.record_all_frames();
  const auto [error, closed] = close_on_open(peer);
  EXPECT_EQ(error, "TWINSOCK_ERR_WS_BAD_OPCODE");
  int closes = 0;
  for (const ScriptedPeer::Frame& f : peer.client_frames()) closes += f.opcode == 0x8 ? 1 : 0;
  EXPECT_EQ(closes, 1);
  EXPECT_EQ(peer.client_close_code(), 1000);
}

// Raw DEFLATE of `text` (RFC 7692's framing): with `final`, one block with BFINAL set;
// else a sync flush without its 00 00 ff ff. `dictionary`: the window it may refer to.
std::string raw_deflate(const std::string& text, bool final, const std::string& dictionary = "") {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  if (!dictionary.empty())
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dictionary.data()), static_cast<uInt>(dictionary.size()));
  std::string out(text.size() + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, final ? Z_FINISH : Z_SYNC_FLUSH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  if (!final) out.resize(out.size() - 4);
  return out;
}

TEST(Conformance, AMessageEndingInAFinalDeflateBlockLeavesTheNextOnesIntact) {
  // RFC 7692 §7.2.3.4's bytes: "Hello" in a block with BFINAL set, then the next messages
  // in new streams, the last one referring back into the window of the one before (§7.2.2).
  const std::string hello_final("\xf3\x48\xcd\xc9\xc9\x07\x00\x00", 8);
  const std::string world = raw_deflate("World", false);
  const std::string again = raw_deflate("HelloWorld, HelloWorld", false, "HelloWorld");
  ScriptedPeer peer([&](const std::string& key) {
    return Steps{{ScriptedPeer::good_101(key, "Sec-WebSocket-Extensions: permessage-deflate\r\n") +
                      ScriptedPeer::frame(0xC1, hello_final) + ScriptedPeer::frame(0xC1, world) +
                      ScriptedPeer::frame(0xC1, again) + ScriptedPeer::frame(0x88, "\x03\xe8"),
                  300}};
  });
  ClientOptions o;
  o.per_message_deflate = true;
  Result r = run_against(peer, o);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.messages, (std::vector<std::string>{"Hello", "World", "HelloWorld, HelloWorld"}));
}

}  // namespace
}  // namespace twinsock::ws
