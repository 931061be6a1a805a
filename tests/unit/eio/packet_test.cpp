#include <gtest/gtest.h>

#include <string>

#include "codec/eio/packet.hpp"
#include "twinsock/error.hpp"

namespace twinsock::eio {
namespace {

Packet decoded(std::string_view text) {
  Packet p;
  EXPECT_FALSE(decode_text(text, p)) << text;
  return p;
}

std::error_code decode_error(std::string_view text) {
  Packet p;
  return decode_text(text, p);
}

TEST(EioPacket, TypesHaveTheProtocolDigitsAndNames) {
  const char* names[] = {"open", "close", "ping", "pong", "message", "upgrade", "noop"};
  for (int i = 0; i <= 6; ++i) {
    const auto type = packet_type_from_digit(static_cast<char>('0' + i));
    ASSERT_TRUE(type.has_value());
    EXPECT_EQ(static_cast<int>(*type), i);
    EXPECT_EQ(to_string(*type), names[i]);
  }
  EXPECT_FALSE(packet_type_from_digit('7').has_value());
  EXPECT_FALSE(packet_type_from_digit('/').has_value());
  EXPECT_FALSE(packet_type_from_digit('b').has_value());
  EXPECT_EQ(to_string(static_cast<PacketType>(9)), "unknown");
}

TEST(EioPacket, EncodesTextPacketsAsTypeDigitAndData) {
  EXPECT_EQ(encode_text(Packet::text(PacketType::message, "hello")), "4hello");
  EXPECT_EQ(encode_text(Packet::text(PacketType::ping, "probe")), "2probe");
  EXPECT_EQ(encode_text(Packet::text(PacketType::pong, "probe")), "3probe");
  EXPECT_EQ(encode_text(Packet::text(PacketType::upgrade)), "5");
  EXPECT_EQ(encode_text(Packet::text(PacketType::close)), "1");
  EXPECT_EQ(encode_text(Packet::text(PacketType::noop)), "6");
  EXPECT_EQ(encode_text(Packet::text(PacketType::message, R"(2["foo"])")), R"(42["foo"])");
  EXPECT_EQ(encode_text(Packet::text(PacketType::message, "\xE2\x82\xAC")), "4\xE2\x82\xAC");
}

TEST(EioPacket, EncodesBinaryAsBase64WithoutTypeInText) {
  EXPECT_EQ(encode_text(Packet::binary_message({1, 2, 3, 4})), "bAQIDBA==");  // PROTOCOLS.md
  EXPECT_EQ(encode_text(Packet::binary_message({})), "b");
}

TEST(EioPacket, EncodedSizeMatchesTheEncoding) {
  for (std::size_t n = 0; n < 10; ++n) {
    const Packet bin = Packet::binary_message(bytes(n, 0xAB));
    EXPECT_EQ(encoded_text_size(bin), encode_text(bin).size()) << n;
    const Packet text = Packet::text(PacketType::message, std::string(n, 'x'));
    EXPECT_EQ(encoded_text_size(text), encode_text(text).size()) << n;
  }
}

TEST(EioPacket, WebSocketFramesAreTextWithDigitOrRawBinary) {
  const WsMessage text = encode_ws(Packet::text(PacketType::message, "hi"));
  EXPECT_FALSE(text.binary);
  EXPECT_EQ(text.text, "4hi");
  const WsMessage bin = encode_ws(Packet::binary_message({1, 2, 3}));
  EXPECT_TRUE(bin.binary);  // v4: no 0x04 type byte
  EXPECT_EQ(bin.data, (bytes{1, 2, 3}));
  EXPECT_TRUE(bin.text.empty());
}

TEST(EioPacket, DecodesEveryPacketType) {
  EXPECT_EQ(decoded("0{\"sid\":\"x\"}"), Packet::text(PacketType::open, "{\"sid\":\"x\"}"));
  EXPECT_EQ(decoded("1"), Packet::text(PacketType::close));
  EXPECT_EQ(decoded("2"), Packet::text(PacketType::ping));
  EXPECT_EQ(decoded("2probe"), Packet::text(PacketType::ping, "probe"));
  EXPECT_EQ(decoded("3probe"), Packet::text(PacketType::pong, "probe"));
  EXPECT_EQ(decoded("4"), Packet::text(PacketType::message, ""));
  EXPECT_EQ(decoded("4hello"), Packet::text(PacketType::message, "hello"));
  EXPECT_EQ(decoded("5"), Packet::text(PacketType::upgrade));
  EXPECT_EQ(decoded("6"), Packet::text(PacketType::noop));
  EXPECT_EQ(decoded("44"), Packet::text(PacketType::message, "4"));
}

TEST(EioPacket, DecodesBase64BinaryInText) {
  EXPECT_EQ(decoded("bAQIDBA=="), Packet::binary_message({1, 2, 3, 4}));
  EXPECT_EQ(decoded("bAQIDBA"), Packet::binary_message({1, 2, 3, 4}));  // padding optional
  EXPECT_EQ(decoded("b"), Packet::binary_message({}));
}

TEST(EioPacket, RejectsEmptyUnknownTypeAndBadBase64) {
  EXPECT_EQ(decode_error(""), errc::eio_empty_packet);
  EXPECT_EQ(decode_error("7"), errc::eio_bad_packet_type);
  EXPECT_EQ(decode_error("9hello"), errc::eio_bad_packet_type);
  EXPECT_EQ(decode_error("x"), errc::eio_bad_packet_type);
  EXPECT_EQ(decode_error("B"), errc::eio_bad_packet_type);
  EXPECT_EQ(decode_error(" 4"), errc::eio_bad_packet_type);
  EXPECT_EQ(decode_error("bAQ*DBA=="), errc::eio_bad_base64);
  EXPECT_EQ(decode_error("bA"), errc::eio_bad_base64);  // 4n+1 characters
  EXPECT_EQ(std::error_code(errc::eio_bad_packet_type), condition::protocol_violation);
  Packet p = Packet::text(PacketType::ping, "stale");
  EXPECT_TRUE(decode_text("b!", p));
  EXPECT_EQ(p, Packet::binary_message({}));  // left empty, not half-decoded
}

TEST(EioPacket, DecodesBinaryFramesAsBinaryMessages) {
  EXPECT_EQ(decode_binary(bytes{0x04, 0x01}), Packet::binary_message({0x04, 0x01}));
  EXPECT_EQ(decode_binary(bytes{}), Packet::binary_message({}));
}

TEST(EioPacket, TextRoundTrips) {
  for (int t = 0; t <= 6; ++t) {
    const Packet p = Packet::text(static_cast<PacketType>(t), "data\x01\xFF");
    EXPECT_EQ(decoded(encode_text(p)), p);
  }
  bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  EXPECT_EQ(decoded(encode_text(Packet::binary_message(all))), Packet::binary_message(all));
}

}  // namespace
}  // namespace twinsock::eio
