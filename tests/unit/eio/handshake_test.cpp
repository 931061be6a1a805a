#include <gtest/gtest.h>

#include <string>

#include "codec/eio/handshake.hpp"
#include "twinsock/error.hpp"

namespace twinsock::eio {
namespace {

constexpr const char* kExample =
    R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})";

std::error_code parse(std::string_view json) {
  Handshake h;
  return parse_handshake(json, h);
}

TEST(EioHandshake, ParsesTheProtocolExample) {
  Packet open;
  ASSERT_FALSE(decode_text(std::string("0") + kExample, open));
  Handshake h;
  ASSERT_FALSE(parse_handshake(open, h));
  EXPECT_EQ(h.sid, "lv_VI97HAXpY6yYWAAAC");
  EXPECT_EQ(h.upgrades, std::vector<std::string>{"websocket"});
  EXPECT_EQ(h.ping_interval_ms, 25000u);
  EXPECT_EQ(h.ping_timeout_ms, 20000u);
  EXPECT_EQ(h.max_payload, 1000000u);
}

TEST(EioHandshake, MaxPayloadDefaultsToTheServerDefault) {
  Handshake h;
  ASSERT_FALSE(parse_handshake(R"({"sid":"a","upgrades":[],"pingInterval":300,"pingTimeout":200})", h));
  EXPECT_EQ(h.max_payload, 1'000'000u);
  EXPECT_TRUE(h.upgrades.empty());
  ASSERT_FALSE(parse_handshake(R"({"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":1,"maxPayload":0})", h));
  EXPECT_EQ(h.max_payload, 0u);
  EXPECT_EQ(h.ping_interval_ms, 1u);
}

// What socket.io-client takes, a client of other servers takes too: `maxPayload: null`
// is a reference server with maxHttpBufferSize Infinity, and numbers need not be
// whole nor fit a timer.
TEST(EioHandshake, TakesTheNumbersSocketIoClientTakes) {
  Handshake h;
  ASSERT_FALSE(parse_handshake(R"({"sid":"a","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":null})", h));
  EXPECT_EQ(h.max_payload, 0u) << "no limit";
  ASSERT_FALSE(parse_handshake(
      R"({"sid":"a","upgrades":[],"pingInterval":1000.5,"pingTimeout":3e9,"maxPayload":1e300})", h));
  EXPECT_EQ(h.ping_interval_ms, 1000u);
  EXPECT_EQ(h.ping_timeout_ms, kMaxPingMs);
  EXPECT_EQ(h.max_payload, UINT64_MAX);
  ASSERT_FALSE(parse_handshake(
      R"({"sid":"a","upgrades":[],"pingInterval":99999999999999999999,"pingTimeout":2147483648,"maxPayload":1000.5})",
      h));
  EXPECT_EQ(h.ping_interval_ms, kMaxPingMs);
  EXPECT_EQ(h.ping_timeout_ms, kMaxPingMs);
  EXPECT_EQ(h.max_payload, 1000u);
}

TEST(EioHandshake, IgnoresUnknownFieldsAndAcceptsSeveralUpgrades) {
  Handshake h;
  ASSERT_FALSE(parse_handshake(
      R"({"extra":{"a":[1,2]},"sid":"s","upgrades":["websocket","webtransport"],"pingInterval":2147483647,"pingTimeout":5000})",
      h));
  EXPECT_EQ(h.upgrades, (std::vector<std::string>{"websocket", "webtransport"}));
  EXPECT_EQ(h.ping_interval_ms, kMaxPingMs);
}

TEST(EioHandshake, RejectsMissingFields) {
  EXPECT_EQ(parse(R"({"upgrades":[],"pingInterval":1,"pingTimeout":1})"), errc::eio_bad_handshake);
  EXPECT_EQ(parse(R"({"sid":"a","pingInterval":1,"pingTimeout":1})"), errc::eio_bad_handshake);
  EXPECT_EQ(parse(R"({"sid":"a","upgrades":[],"pingTimeout":1})"), errc::eio_bad_handshake);
  EXPECT_EQ(parse(R"({"sid":"a","upgrades":[],"pingInterval":1})"), errc::eio_bad_handshake);
}

TEST(EioHandshake, RejectsWrongTypesAndValues) {
  const char* bad[] = {
      R"({"sid":1,"upgrades":[],"pingInterval":1,"pingTimeout":1})",
      R"({"sid":"","upgrades":[],"pingInterval":1,"pingTimeout":1})",
      R"({"sid":null,"upgrades":[],"pingInterval":1,"pingTimeout":1})",
      R"({"sid":"a","upgrades":"websocket","pingInterval":1,"pingTimeout":1})",
      R"({"sid":"a","upgrades":[1],"pingInterval":1,"pingTimeout":1})",
      R"({"sid":"a","upgrades":["websocket",null],"pingInterval":1,"pingTimeout":1})",
      R"({"sid":"a","upgrades":[],"pingInterval":"25000","pingTimeout":1})",
      R"({"sid":"a","upgrades":[],"pingInterval":-1,"pingTimeout":1})",
      R"({"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":true})",
      R"({"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":1e-3})",  // 0 ms
      R"({"sid":"a","upgrades":[],"pingInterval":0,"pingTimeout":20000})",  // a ping timeout at once
      R"({"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":0})",
      R"({"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":1,"maxPayload":-1e300})",
      R"({"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":1,"maxPayload":-5})",
      R"({"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":1,"maxPayload":"1e6"})",
  };
  for (const char* json : bad) EXPECT_EQ(parse(json), errc::eio_bad_handshake) << json;
}

TEST(EioHandshake, RejectsNonObjectsAndInvalidJson) {
  const char* bad[] = {"", "null", "[]", "\"sid\"", "{", "{\"sid\":\"a\",}", "{} x", "\xFF"};
  for (const char* json : bad) EXPECT_EQ(parse(json), errc::eio_bad_handshake) << json;
  EXPECT_EQ(std::error_code(errc::eio_bad_handshake), condition::handshake_failed);
}

TEST(EioHandshake, RejectsDeepNestingWithoutParsingIt) {
  std::string deep = R"({"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":1,"x":)";
  deep += std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(parse(deep), errc::eio_bad_handshake);
  // Brackets inside strings do not count.
  EXPECT_FALSE(parse(R"({"sid":"[[[[[[[[[[[[[[[[[[[[[\"[[[[[","upgrades":[],"pingInterval":1,"pingTimeout":1})"));
}

TEST(EioHandshake, TheOpenPacketMustBeATextOpenPacket) {
  Handshake h;
  EXPECT_EQ(parse_handshake(Packet::text(PacketType::message, kExample), h), errc::eio_bad_handshake);
  EXPECT_EQ(parse_handshake(Packet::binary_message({'{', '}'}), h), errc::eio_bad_handshake);
  EXPECT_FALSE(parse_handshake(Packet::text(PacketType::open, kExample), h));
}

TEST(EioHandshake, AFailedParseLeavesADefaultHandshake) {
  Handshake h;
  ASSERT_FALSE(parse_handshake(kExample, h));
  EXPECT_TRUE(parse_handshake(R"({"sid":"z","upgrades":[],"pingInterval":1})", h));
  EXPECT_EQ(h, Handshake{});
}

TEST(EioErrorBody, ParsesTheReferenceServerBody) {
  auto e = parse_error_body(R"({"code":1,"message":"Session ID unknown"})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, static_cast<std::int64_t>(ServerErrorCode::session_id_unknown));
  EXPECT_EQ(e->message, "Session ID unknown");
  e = parse_error_body(R"({"code":5})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 5);
  EXPECT_EQ(e->message, "");
  e = parse_error_body(R"({"code":-3,"message":"x","context":{}})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, -3);
}

TEST(EioErrorBody, RejectsOtherBodies) {
  const char* bad[] = {"", "ok", "[]", R"({"message":"x"})", R"({"code":"1"})", R"({"code":1.5})",
                       R"({"code":1,"message":2})", R"({"code":18446744073709551615})"};
  for (const char* body : bad) EXPECT_FALSE(parse_error_body(body).has_value()) << body;
}

}  // namespace
}  // namespace twinsock::eio
