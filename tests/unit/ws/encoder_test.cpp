#include <gtest/gtest.h>

#include <string>

#include "codec/ws/encoder.hpp"
#include "support/hex.hpp"
#include "twinsock/error.hpp"
#include "ws_test_support.hpp"

namespace twinsock::ws {
namespace {

using testing::from_hex;
using testing::to_hex;
using test::FixedRandom;

TEST(WsEncoder, Rfc6455MaskedExamples) {  // RFC 6455 §5.7
  FixedRandom random;
  bytes out;
  encode_message(out, MessageType::text, as_bytes("Hello"), random);
  EXPECT_EQ(to_hex(out), "818537fa213d7f9f4d5158");
  out.clear();
  ASSERT_FALSE(encode_pong(out, as_bytes("Hello"), random));
  EXPECT_EQ(to_hex(out), "8a8537fa213d7f9f4d5158");
}

TEST(WsEncoder, AppendsToTheCallersBuffer) {
  FixedRandom random;
  bytes out = {0xaa};
  encode_message(out, MessageType::binary, {}, random);
  ASSERT_FALSE(encode_ping(out, {}, random));
  EXPECT_EQ(to_hex(out), "aa" "828037fa213d" "898037fa213d");
}

TEST(WsEncoder, UsesAFreshMaskPerFrame) {  // RFC 6455 §5.3
  FixedRandom random(bytes{1, 2, 3, 4, 5, 6, 7, 8});
  bytes out;
  encode_message(out, MessageType::binary, as_bytes("abc"), random, {.max_frame_payload = 2});
  EXPECT_EQ(random.calls, 2);
  EXPECT_EQ(to_hex(out), "0282" "01020304" + to_hex(bytes{'a' ^ 1, 'b' ^ 2}) + "8081" "05060708" +
                             to_hex(bytes{'c' ^ 5}));
}

TEST(WsEncoder, LengthForms) {  // RFC 6455 §5.2: 7-bit, 16-bit and 64-bit lengths
  EXPECT_EQ(frame_header_size(0), 6u);
  EXPECT_EQ(frame_header_size(125), 6u);
  EXPECT_EQ(frame_header_size(126), 8u);
  EXPECT_EQ(frame_header_size(65535), 8u);
  EXPECT_EQ(frame_header_size(65536), 14u);
  FixedRandom random;
  for (std::size_t size : std::initializer_list<std::size_t>{0, 125, 126, 65535, 65536, 70000}) {
    bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i);
    bytes out;
    encode_message(out, MessageType::binary, payload, random);
    ASSERT_EQ(out.size(), frame_header_size(size) + size) << size;
    EXPECT_EQ(out[0], 0x82);
    if (size < 126) {
      EXPECT_EQ(out[1], 0x80 | size);
    } else if (size <= 65535) {
      EXPECT_EQ(to_hex(bytes_view(out).subspan(1, 3)), to_hex(bytes{0xfe, std::uint8_t(size >> 8), std::uint8_t(size)}));
    } else {
      bytes expect = {0xff, 0, 0, 0, 0, 0, std::uint8_t(size >> 16), std::uint8_t(size >> 8), std::uint8_t(size)};
      EXPECT_EQ(to_hex(bytes_view(out).subspan(1, 9)), to_hex(expect));
    }
    // Unmasked, the frame carries the payload unchanged.
    const auto events = test::decode_all(test::unmask_frames(out));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].payload, std::string(as_text(payload)));
  }
}

TEST(WsEncoder, FragmentsLargeMessagesIntoBoundedFrames) {  // RFC 6455 §5.4
  FixedRandom random;
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "κόσμε";  // multi-byte code points cut across frames
  for (std::size_t max : std::initializer_list<std::size_t>{1, 3, 125, 126, 4096, text.size(), text.size() + 1}) {
    bytes out;
    encode_message(out, MessageType::text, as_bytes(text), random, {.max_frame_payload = max});
    const bytes server = test::unmask_frames(out);
    // Walk the frames: first is text, the rest continuation, FIN only on the last.
    std::size_t frames = 0, i = 0;
    while (i < server.size()) {
      const bool fin = server[i] & 0x80;
      EXPECT_EQ(server[i] & 0x0f, frames == 0 ? 1 : 0);
      std::uint64_t len = server[i + 1];
      std::size_t hdr = 2;
      if (len == 126) {
        len = (server[i + 2] << 8) | server[i + 3];
        hdr = 4;
      } else if (len == 127) {
        len = 0;
        for (int k = 0; k < 8; ++k) len = (len << 8) | server[i + 2 + k];
        hdr = 10;
      }
      EXPECT_LE(len, max);
      i += hdr + len;
      ++frames;
      EXPECT_EQ(fin, i == server.size());
    }
    EXPECT_EQ(frames, (text.size() + max - 1) / max) << max;
    const auto events = test::decode_all(server);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, EventType::text);
    EXPECT_EQ(events[0].payload, text);
  }
}

TEST(WsEncoder, EmptyMessageIsOneFinalFrame) {
  FixedRandom random;
  bytes out;
  encode_message(out, MessageType::text, {}, random, {.max_frame_payload = 10});
  EXPECT_EQ(to_hex(out), "818037fa213d");
}

TEST(WsEncoder, Rsv1OnlyOnTheFirstFrame) {  // RFC 7692 §6.1
  FixedRandom random;
  bytes out;
  encode_message(out, MessageType::binary, as_bytes("abcde"), random, {.max_frame_payload = 2, .rsv1 = true});
  const bytes server = test::unmask_frames(out);
  EXPECT_EQ(to_hex(server), "42026162" "00026364" "800165");  // 0x42: RSV1, binary, not FIN
  const auto events = test::decode_all(server, {.allow_rsv1 = true});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].compressed);
  EXPECT_EQ(events[0].payload, "abcde");
}

TEST(WsEncoder, ControlFrameLimits) {  // RFC 6455 §5.5
  FixedRandom random;
  bytes out;
  const bytes p125(125, 'x'), p126(126, 'x');
  EXPECT_FALSE(encode_ping(out, p125, random));
  EXPECT_FALSE(encode_pong(out, p125, random));
  const std::size_t written = out.size();
  EXPECT_EQ(encode_ping(out, p126, random), errc::ws_control_payload_too_long);
  EXPECT_EQ(encode_pong(out, p126, random), errc::ws_control_payload_too_long);
  EXPECT_EQ(out.size(), written);  // nothing appended on error
  const auto events = test::decode_all(test::unmask_frames(out));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, EventType::ping);
  EXPECT_EQ(events[1].type, EventType::pong);
  EXPECT_EQ(events[1].payload, std::string(125, 'x'));
}

TEST(WsEncoder, CloseFrames) {  // RFC 6455 §5.5.1
  FixedRandom random;
  bytes out;
  ASSERT_FALSE(encode_close(out, std::nullopt, "", random));
  EXPECT_EQ(to_hex(out), "888037fa213d");
  out.clear();
  ASSERT_FALSE(encode_close(out, close_code::going_away, "κόσμε", random));
  auto events = test::decode_all(test::unmask_frames(out));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::close);
  EXPECT_EQ(events[0].close_code, 1001);
  EXPECT_EQ(events[0].payload, "κόσμε");
  out.clear();
  ASSERT_FALSE(encode_close(out, 4999, std::string(123, 'r'), random));
  EXPECT_EQ(out.size(), 6u + 125u);
}

TEST(WsEncoder, CloseValidation) {  // RFC 6455 §7.4
  FixedRandom random;
  bytes out;
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    EXPECT_EQ(encode_close(out, code, "", random), errc::ws_close_code_not_sendable) << code;
  }
  for (std::uint16_t code : {1000, 1003, 1007, 1011, 1012, 1013, 1014, 3000, 4999}) {
    EXPECT_FALSE(encode_close(out, code, "", random)) << code;
  }
  out.clear();
  EXPECT_EQ(encode_close(out, std::nullopt, "why", random), errc::ws_close_code_not_sendable);
  EXPECT_EQ(encode_close(out, 1000, std::string(124, 'r'), random), errc::ws_close_reason_too_long);
  EXPECT_EQ(encode_close(out, 1000, "\xce", random), errc::ws_close_reason_not_utf8);
  EXPECT_EQ(encode_close(out, 1000, "\xed\xa0\x80", random), errc::ws_close_reason_not_utf8);
  EXPECT_TRUE(out.empty());
}

TEST(WsEncoder, RawFrames) {
  FixedRandom random;
  bytes out;
  EXPECT_EQ(encode_frame(out, static_cast<Opcode>(3), {}, random), errc::invalid_argument);
  EXPECT_EQ(encode_frame(out, static_cast<Opcode>(0x10), {}, random), errc::invalid_argument);
  EXPECT_EQ(encode_frame(out, Opcode::ping, {}, random, false), errc::invalid_argument);
  EXPECT_EQ(encode_frame(out, Opcode::close, bytes(126), random), errc::invalid_argument);
  EXPECT_TRUE(out.empty());
  ASSERT_FALSE(encode_frame(out, Opcode::text, as_bytes("Hel"), random, false));
  ASSERT_FALSE(encode_frame(out, Opcode::continuation, as_bytes("lo"), random, true));
  // RFC 6455 §5.7 fragmented example, masked.
  EXPECT_EQ(to_hex(test::unmask_frames(out)), "010348656c" "80026c6f");
}

}  // namespace
}  // namespace twinsock::ws
