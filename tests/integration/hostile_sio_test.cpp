// A hostile Engine.IO / Socket.IO server (the scripted peer) against sio::Manager:
// oversized payloads and packets, attachment counts, deep nesting, ping floods,
// events before CONNECT and stalls each end with their own error id (the detail
// names the limit and its value) while the heap stays bounded.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "heap_watch.hpp"
#include "hostile_support.hpp"
#include "run_until.hpp"
#include "scripted_peer.hpp"
#include "twinsock/error.hpp"
#include "twinsock/sio/manager.hpp"

namespace twinsock::sio {
namespace {

using std::chrono::milliseconds;
using testing::expect_flood_cut;
using testing::flood;
using testing::HeapWatch;
using testing::kSlack;
using testing::report;
using testing::run_until;
using testing::ScriptedPeer;
using Steps = std::vector<ScriptedPeer::Step>;

constexpr std::size_t kMiB = 1 << 20;

std::string text(const std::string& s) { return ScriptedPeer::frame(0x81, s); }
std::string binary(const std::string& s) { return ScriptedPeer::frame(0x82, s); }

const char* const kOpen = R"(0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})";

// The 101, the Engine.IO open packet and the namespace CONNECT reply.
std::string connected(const std::string& key) { return ScriptedPeer::good_101(key) + text(kOpen) + text(R"(40{"sid":"n1"})"); }

struct SioRun {
  std::vector<std::string> errors;  // Manager errors: "<id> <detail>"
  std::vector<std::string> events;
  std::string disconnect;
  bool connected = false, connect_error = false, closed = false;
  std::size_t heap_growth = 0;
  bool has_error(const std::string& id, const std::string& detail = "") const {
    for (const auto& e : errors)
      if (e.rfind(id + " ", 0) == 0 && e.find(detail) != std::string::npos) return true;
    return false;
  }
};

using Until = std::function<bool(const SioRun&)>;

bool ended(const SioRun& r) { return r.closed || r.connect_error; }

SioRun run_sio(ScriptedPeer& peer, ManagerOptions o, Until done = ended,
               std::function<void(Socket&)> on_connect = nullptr) {
  SioRun r;
  r.errors.reserve(8);
  HeapWatch heap;
  {
    native::PollLoop loop;
    o.reconnection = false;
    if (o.engine.transports == eio::SocketOptions{}.transports) o.engine.transports = {"websocket"};
    Manager io(loop, "http://127.0.0.1:" + std::to_string(peer.port()) + "/", o);
    Socket& s = io.socket();
    auto a = io.on_error.on([&](std::error_code ec, const std::string& detail) {
      r.errors.push_back(std::string(error_id(ec)) + " " + detail);
    });
    auto b = io.on_close.on([&](const std::string&) { r.closed = true; });
    auto c = s.on_connect.on([&] {
      r.connected = true;
      if (on_connect) on_connect(s);
    });
    auto d = s.on_connect_error.on([&](const ConnectError&) { r.connect_error = true; });
    auto e = s.on_disconnect.on([&](const std::string& reason) { r.disconnect = reason; });
    auto f = s.on_any([&](const std::string& event, const Args&) { r.events.push_back(event); });
    EXPECT_TRUE(run_until(
        loop,
        [&] {
          heap.sample();
          return done(r);
        },
        std::chrono::seconds(20)))
        << "client hung";
  }
  r.heap_growth = heap.growth();
  report(r.errors.empty() ? "" : r.errors.front(), r.heap_growth);
  return r;
}

TEST(HostileSocketIo, BillionAttachmentsAnnounced) {
  ScriptedPeer peer([](const std::string& key) {
    return Steps{{connected(key) + text(R"(451000000000-["e",{"_placeholder":true,"num":0}])"), 300}};
  });
  const SioRun r = run_sio(peer, {});
  EXPECT_TRUE(r.connected);
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_SIO_TOO_MANY_ATTACHMENTS", "max_attachments (10)"));
  EXPECT_EQ(r.disconnect, "parse error");
  EXPECT_LT(r.heap_growth, kSlack);
}

TEST(HostileSocketIo, FewerAttachmentsThanAnnouncedThenText) {
  ScriptedPeer peer([](const std::string& key) {
    return Steps{{connected(key) +
                      text(R"(453-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1},)"
                           R"({"_placeholder":true,"num":2}])") +
                      binary("only one") + text(R"(42["after"])"),
                  300}};
  });
  const SioRun r = run_sio(peer, {});
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_SIO_UNEXPECTED_TEXT"));
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.disconnect, "parse error");
}

TEST(HostileSocketIo, AttachmentsBeyondMaxPacketBytes) {
  ScriptedPeer peer([](const std::string& key) {
    const std::string big(600 * 1024, 'b');
    return Steps{{connected(key) + text(R"(452-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])") +
                      binary(big) + binary(big),
                  300}};
  });
  ManagerOptions o;
  o.max_packet_bytes = kMiB;
  const SioRun r = run_sio(peer, o);
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_SIO_PACKET_TOO_LARGE", "max_packet_bytes (1048576 bytes)"));
  EXPECT_TRUE(r.events.empty());
  EXPECT_LT(r.heap_growth, 2 * kMiB + kSlack);
}

TEST(HostileSocketIo, DeeplyNestedJsonIsRefusedWithoutDeepRecursion) {
  ScriptedPeer peer([](const std::string& key) {
    const std::size_t depth = 20'000;
    return Steps{{connected(key) + text(R"(42["e",)" + std::string(depth, '[') + std::string(depth, ']') + "]"), 300}};
  });
  const SioRun r = run_sio(peer, {});
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_JSON_TOO_DEEP", "max_json_depth (64)"));
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.disconnect, "parse error");
  EXPECT_LT(r.heap_growth, kSlack);
}

TEST(HostileSocketIo, DeeplyNestedMsgpackIsRefused) {
  ScriptedPeer peer([](const std::string& key) {
    // {"data": [[[[ ... ]]]]}: fixmap of 1, "data", then 20,000 one-element arrays.
    const std::string deep = std::string("\x81\xa4" "data") + std::string(20'000, '\x91') + std::string(1, '\xc0');
    return Steps{{ScriptedPeer::good_101(key) + text(kOpen) + binary(deep), 300}};
  });
  ManagerOptions o;
  o.parser = ParserKind::msgpack;
  o.max_json_depth = 32;
  const SioRun r = run_sio(peer, o);
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_MSGPACK_TOO_DEEP", "max_json_depth (32)"));
  EXPECT_LT(r.heap_growth, kSlack);
}

TEST(HostileSocketIo, DeeplyNestedOpenPacketIsABadHandshake) {
  ScriptedPeer peer([](const std::string& key) {
    return Steps{{ScriptedPeer::good_101(key) +
                      text(R"(0{"sid":"s1","upgrades":)" + std::string(20'000, '[') + std::string(20'000, ']') + "}"),
                  300}};
  });
  const SioRun r = run_sio(peer, {});
  EXPECT_FALSE(r.connected);
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_EIO_BAD_HANDSHAKE"));
  EXPECT_LT(r.heap_growth, kSlack);
}

TEST(HostileEngineIo, WebSocketMessageOverMaxMessageSize) {
  ScriptedPeer peer([](const std::string& key) {
    // A text frame announcing 1 TiB, then a 100 MiB flood.
    return Steps{{connected(key) + std::string("\x81\x7f\x00\x00\x01\x00\x00\x00\x00\x00", 10)},
                 flood("x")};
  });
  ManagerOptions o;
  o.engine.max_message_size = kMiB;
  const SioRun r = run_sio(peer, o);
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_WS_MESSAGE_TOO_BIG", "max_message_size (1048576 bytes)"));
  EXPECT_EQ(r.disconnect, "transport error");
  EXPECT_LT(r.heap_growth, kSlack);
  expect_flood_cut(peer);
}

TEST(HostileEngineIo, PollingBodyOverMaxMessageSize) {
  // A body delimited by the end of the connection: counted as it streams in.
  ScriptedPeer peer([](const std::string&) {
    return Steps{{"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + std::string(kOpen) + "\x1e" "4"},
                 flood("x")};
  });
  ManagerOptions o;
  o.engine.transports = {"polling"};
  o.engine.max_message_size = kMiB;
  const SioRun r = run_sio(peer, o);
  EXPECT_FALSE(r.connected);
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_EIO_PAYLOAD_TOO_LARGE", "max_message_size (1048576 bytes)"));
  EXPECT_LT(r.heap_growth, testing::grown_string(kMiB) + kSlack);  // the body, as it arrives
  expect_flood_cut(peer);
}

TEST(HostileEngineIo, PollingPayloadWithTooManyPackets) {
  ScriptedPeer peer([](const std::string&) {
    std::string body = kOpen;
    for (int i = 0; i < 1000; ++i) body += "\x1e" "6";
    return Steps{{"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\n\r\n" + body,
                  300}};
  });
  ManagerOptions o;
  o.engine.transports = {"polling"};
  o.engine.max_payload_packets = 100;
  const SioRun r = run_sio(peer, o);
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_EIO_TOO_MANY_PACKETS", "max_payload_packets (100 packets)"));
}

TEST(HostileEngineIo, SlowlorisHandshakeHitsTheRequestTimeout) {
  ScriptedPeer peer(
      [](const std::string&) {
        Steps steps;
        for (char c : std::string("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")) steps.push_back({{c}, 150});
        return steps;
      },
      /*close_after=*/false);
  ManagerOptions o;
  o.engine.transports = {"polling"};
  o.engine.request_timeout = milliseconds(600);
  const SioRun r = run_sio(peer, o);
  EXPECT_FALSE(r.connected);
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_HANDSHAKE_TIMEOUT", "600 ms"));  // the session's or the request's timer
  EXPECT_GE(peer.bytes_written(), 2u);
}

TEST(HostileEngineIo, PingFloodFromAPeerThatDoesNotReadIsProcessedInBoundedMemory) {
  // 110,000 pings while the peer reads nothing back (a 4 KiB receive buffer): the
  // client goes on processing and gets the event behind them. The kernel takes
  // most pongs here; that a backed-up client keeps one unsent pong is tested with
  // fake transports (tests/unit/eio_client). The peer keeps the connection
  // (closing it with unread pongs would reset it).
  const std::string ping = text("2");
  std::string chunk;
  for (std::size_t i = 0; i < 64 * 1024 / ping.size(); ++i) chunk += ping;
  ScriptedPeer peer(
      [&](const std::string& key) {
        return Steps{{connected(key)}, {chunk, 0, 5}, {text(R"(42["done"])"), 300}};
      },
      /*close_after=*/false, /*receive_buffer=*/4096);
  const SioRun r = run_sio(peer, {}, [](const SioRun& r) { return !r.events.empty() || ended(r); });
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0], "done");
  EXPECT_LT(r.heap_growth, kSlack);
}

TEST(HostileSocketIo, EventsBeforeConnectAreBoundedByTheSocketBuffers) {
  ScriptedPeer peer([](const std::string& key) {
    std::string early;
    for (int i = 0; i < 5'000; ++i) early += text(R"(42["early",1])");
    return Steps{{ScriptedPeer::good_101(key) + text(kOpen) + early + text(R"(40{"sid":"n1"})") + text(R"(42["done"])"),
                  300}};
  });
  ManagerOptions o;
  o.socket.max_buffered_packets = 100;
  const SioRun r = run_sio(peer, o, [](const SioRun& r) {
    return (!r.events.empty() && r.events.back() == "done") || ended(r);
  });
  EXPECT_TRUE(r.connected);
  ASSERT_EQ(r.errors.size(), 1u);  // said once, not for each dropped event
  EXPECT_TRUE(r.has_error("TWINSOCK_ERR_QUEUE_FULL", "max_buffered_packets (100)"));
  ASSERT_EQ(r.events.size(), 101u);  // the 100 kept, then the live one
  EXPECT_EQ(r.events.back(), "done");
  EXPECT_LT(r.heap_growth, kSlack);
}

TEST(HostileSocketIo, RetriesQueueIsBoundedWhenTheServerNeverAcks) {
  ScriptedPeer peer([](const std::string& key) { return Steps{{connected(key), 300}}; }, /*close_after=*/false);
  ManagerOptions o;
  o.socket.retries = 3;
  o.socket.ack_timeout = std::chrono::seconds(30);
  o.socket.max_buffered_packets = 5;
  std::vector<std::error_code> results;
  const SioRun r = run_sio(
      peer, o, [&](const SioRun& r) { return results.size() == 6 || ended(r); },
      [&](Socket& s) {
        for (int i = 0; i < 6; ++i) results.push_back(s.emit("never-acked", {i}));
      });
  ASSERT_EQ(results.size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(results[i]) << i;
  EXPECT_EQ(results[5], errc::queue_full);
}

}  // namespace
}  // namespace twinsock::sio
