#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "codec/ws/decoder.hpp"
#include "codec/ws/encoder.hpp"
#include "support/hex.hpp"
#include "twinsock/error.hpp"
#include "ws_test_support.hpp"

namespace twinsock::ws {
namespace {

using testing::from_hex;
using test::decode_all;
using test::FixedRandom;
using test::Owned;

bytes hex(std::string_view h) { return from_hex(h).value(); }

// feed() borrows its input until drained: keep test inputs alive for the whole run.
bytes_view kept(std::string_view h) {
  static std::deque<bytes> inputs;
  return inputs.emplace_back(hex(h));
}

TEST(WsDecoder, Rfc6455UnmaskedExamples) {  // RFC 6455 §5.7
  auto events = decode_all(hex("8105 48656c6c6f"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::text);
  EXPECT_EQ(events[0].payload, "Hello");
  EXPECT_FALSE(events[0].compressed);

  events = decode_all(hex("0103 48656c 8002 6c6f"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].payload, "Hello");

  events = decode_all(hex("8905 48656c6c6f 8a05 48656c6c6f"));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, EventType::ping);
  EXPECT_EQ(events[1].type, EventType::pong);
  EXPECT_EQ(events[1].payload, "Hello");
}

TEST(WsDecoder, SingleFrameMessageIsAViewOfTheInput) {
  const bytes input = hex("8203 010203");
  Decoder decoder;
  decoder.feed(input);
  auto e = decoder.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, EventType::binary);
  EXPECT_EQ(e->payload.data(), input.data() + 2);  // no copy
  EXPECT_EQ(e->payload.size(), 3u);
  EXPECT_FALSE(decoder.next());
  EXPECT_TRUE(decoder.idle());
}

TEST(WsDecoder, FragmentsAreGatheredOnceAndControlFramesInterleave) {  // RFC 6455 §5.4
  const bytes input = hex("0102 6162 8900 0001 63 8a01 ff 8001 64");
  Decoder decoder;
  decoder.feed(input);
  auto e = decoder.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, EventType::ping);
  EXPECT_TRUE(e->payload.empty());
  e = decoder.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, EventType::pong);
  EXPECT_EQ(e->payload[0], 0xff);
  EXPECT_FALSE(decoder.idle());
  e = decoder.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, EventType::text);
  EXPECT_EQ(e->text(), "abcd");
  EXPECT_FALSE(decoder.next());
  EXPECT_TRUE(decoder.idle());
}

TEST(WsDecoder, FeedingAgainBeforeDrainingKeepsTheRest) {
  Decoder decoder;
  const bytes a = hex("8101 61 8102"), b = hex("6263 8100");
  decoder.feed(a);
  decoder.feed(b);  // a is not drained yet: the decoder keeps a copy of its rest
  const bytes c = hex("8201 ff");
  decoder.feed(c);
  std::vector<std::string> got;
  while (auto e = decoder.next()) got.push_back(std::string(e->text()));
  EXPECT_EQ(got, (std::vector<std::string>{"a", "bc", "", "\xff"}));
  EXPECT_TRUE(decoder.idle());
  // Back to borrowing after draining.
  const bytes d = hex("8101 7a");
  decoder.feed(d);
  auto e = decoder.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->payload.data(), d.data() + 2);
}

TEST(WsDecoder, SameEventsForAnyChunking) {
  // A long fragmented text with pings between fragments, fed in chunks of 1..37 bytes.
  FixedRandom random;
  bytes client;
  std::string text;
  for (int i = 0; i < 300; ++i) text += "κόσμε-" + std::to_string(i);
  encode_message(client, MessageType::text, as_bytes(text), random, {.max_frame_payload = 100});
  bytes input = test::unmask_frames(client);
  // Put a ping after each of the first frames.
  const bytes ping = hex("8901 2a");
  input.insert(input.begin() + 102, ping.begin(), ping.end());
  const auto whole = decode_all(input);
  ASSERT_EQ(whole.size(), 2u);
  EXPECT_EQ(whole[1].payload, text);
  for (std::size_t step = 1; step < 38; ++step) {
    Decoder decoder;
    std::vector<Owned> got;
    for (std::size_t i = 0; i < input.size(); i += step) {
      decoder.feed(bytes_view(input).subspan(i, std::min(step, input.size() - i)));
      while (auto e = decoder.next()) got.push_back(test::own(*e));
    }
    ASSERT_EQ(got.size(), 2u) << step;
    EXPECT_EQ(got[0].type, EventType::ping);
    EXPECT_EQ(got[1].payload, text) << step;
  }
}

TEST(WsDecoder, LargeMessagesAndLengthForms) {  // RFC 6455 §5.2
  for (std::uint64_t size : {125u, 126u, 65535u, 65536u, 1u << 20}) {
    bytes input = {0x82};
    if (size < 126) {
      input.push_back(static_cast<std::uint8_t>(size));
    } else if (size <= 65535) {
      input.insert(input.end(), {126, std::uint8_t(size >> 8), std::uint8_t(size)});
    } else {
      input.push_back(127);
      for (int shift = 56; shift >= 0; shift -= 8) input.push_back(static_cast<std::uint8_t>(size >> shift));
    }
    for (std::uint64_t i = 0; i < size; ++i) input.push_back(static_cast<std::uint8_t>(i * 7));
    // Split in the middle so the payload is gathered.
    Decoder decoder;
    decoder.feed(bytes_view(input).first(input.size() / 2));
    EXPECT_FALSE(decoder.next());
    decoder.feed(bytes_view(input).subspan(input.size() / 2));
    auto e = decoder.next();
    ASSERT_TRUE(e) << size;
    ASSERT_EQ(e->payload.size(), size);
    EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), input.end() - static_cast<long>(size)));
  }
}

TEST(WsDecoder, MessageTooBigIsDetectedFromTheHeader) {
  Decoder decoder({.max_message_size = 1000});
  decoder.feed(kept("827f 0000 0000 0001 0000"));  // 64 KiB announced, no payload sent
  auto e = decoder.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->error, errc::ws_message_too_big);
  EXPECT_EQ(close_code_for(e->error), close_code::message_too_big);
  // Sum of fragments.
  Decoder fragments({.max_message_size = 1000});
  bytes input = hex("027e 01f4");
  input.resize(input.size() + 500, 'a');
  bytes second = hex("807e 01f5");
  input.insert(input.end(), second.begin(), second.end());
  fragments.feed(input);
  e = fragments.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->error, errc::ws_message_too_big);
}

TEST(WsDecoder, FragmentCountIsBounded) {
  // Empty continuations never grow a message: only a count ends one that never finishes.
  auto events = decode_all(hex("0101 61 0000 8000"), {.max_fragments = 3});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::text);
  events = decode_all(hex("0101 61 0000 0000 8000"), {.max_fragments = 3});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].error, errc::ws_too_many_fragments);
  EXPECT_EQ(close_code_for(events[0].error), close_code::message_too_big);
  // The count starts again with each message; control frames in between do not count.
  events = decode_all(hex("0101 61 8900 8000 0101 62 0000 8000"), {.max_fragments = 3});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].type, EventType::text);
}

TEST(WsDecoder, InvalidUtf8FailsBeforeTheMessageCompletes) {  // RFC 6455 §8.1, Autobahn 6.4
  // Feed frame by frame; the error must come while the final fragment is still unsent.
  const bytes frames[] = {hex("0103 cebae1"), hex("0002 bdb9"), hex("0002 c0af"), hex("8002 6162")};
  Decoder decoder;
  for (int i = 0; i < 3; ++i) {
    decoder.feed(frames[i]);
    auto e = decoder.next();
    if (i < 2) {
      EXPECT_FALSE(e) << i;
    } else {
      ASSERT_TRUE(e);
      EXPECT_EQ(e->error, errc::ws_invalid_utf8);
      EXPECT_EQ(close_code_for(e->error), close_code::invalid_payload);
    }
  }
  // Mid-frame: only 3 of 100 payload bytes arrived.
  Decoder mid;
  mid.feed(kept("8164 61 62 ff"));
  auto e = mid.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->error, errc::ws_invalid_utf8);
}

TEST(WsDecoder, FailureIsSticky) {
  Decoder decoder;
  decoder.feed(kept("8300 8101 61"));
  auto e = decoder.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, EventType::error);
  EXPECT_EQ(e->error, errc::ws_bad_opcode);
  EXPECT_TRUE(decoder.failed());
  EXPECT_EQ(decoder.error(), errc::ws_bad_opcode);
  EXPECT_FALSE(decoder.next());
  decoder.feed(kept("8101 61"));
  EXPECT_FALSE(decoder.next());
  EXPECT_FALSE(decoder.idle());
}

TEST(WsDecoder, CloseEndsTheStream) {  // RFC 6455 §5.5.1
  Decoder decoder;
  decoder.feed(kept("8805 03e8 627965"));
  auto e = decoder.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, EventType::close);
  EXPECT_EQ(e->close_code, close_code::normal);
  EXPECT_EQ(e->text(), "bye");
  EXPECT_TRUE(decoder.close_received());
  EXPECT_TRUE(decoder.idle());
  EXPECT_FALSE(decoder.next());
  decoder.feed(kept("89"));
  e = decoder.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->error, errc::ws_frame_after_close);

  const auto empty = decode_all(hex("8800"));
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_FALSE(empty[0].close_code.has_value());
}

TEST(WsDecoder, PermessageDeflateHook) {  // RFC 7692 §6, §7.2.3.1
  const bytes compressed = hex("c107 f248cdc9c90700");
  auto events = decode_all(compressed, {.allow_rsv1 = true});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::text);
  EXPECT_TRUE(events[0].compressed);
  EXPECT_EQ(events[0].payload, std::string(as_text(hex("f248cdc9c90700"))));
  events = decode_all(compressed);  // not negotiated
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].error, errc::ws_reserved_bits);
}

// Every framing error the decoder can report, each from the smallest input.
TEST(WsDecoder, EveryErrorPath) {
  struct Case {
    const char* hex;
    errc expect;
    DecoderConfig config;
  };
  const Case cases[] = {
      {"8185 37fa213d 7f9f4d5158", errc::ws_masked_frame, {}},
      {"c100", errc::ws_reserved_bits, {}},
      {"a100", errc::ws_reserved_bits, {.allow_rsv1 = true}},
      {"0101 61 c000", errc::ws_reserved_bits, {.allow_rsv1 = true}},
      {"ca00", errc::ws_reserved_bits, {.allow_rsv1 = true}},
      {"8f00", errc::ws_bad_opcode, {}},
      {"827f 8000000000000000", errc::ws_bad_length, {}},
      {"897e", errc::ws_control_too_long, {}},
      {"0a00", errc::ws_control_fragmented, {}},
      {"8000", errc::ws_unexpected_continuation, {}},
      {"0100 8200", errc::ws_expected_continuation, {}},
      {"8206", errc::ws_message_too_big, {.max_message_size = 5}},
      {"0100 0000", errc::ws_too_many_fragments, {.max_fragments = 1}},
      {"8101 ff", errc::ws_invalid_utf8, {}},
      {"8801 03", errc::ws_bad_close_payload, {}},
      {"8802 03ed", errc::ws_bad_close_code, {}},
      {"8803 03e8 ff", errc::ws_invalid_close_reason, {}},
      {"8800 8800", errc::ws_frame_after_close, {}},
  };
  for (const auto& c : cases) {
    const auto events = decode_all(hex(c.hex), c.config);
    ASSERT_FALSE(events.empty()) << c.hex;
    EXPECT_EQ(events.back().type, EventType::error) << c.hex;
    EXPECT_EQ(events.back().error, c.expect) << c.hex;
    EXPECT_NE(close_code_for(events.back().error), 0) << c.hex;
  }
}

TEST(WsDecoder, DefaultLimitsAreDocumented) {
  EXPECT_EQ(DecoderConfig{}.max_message_size, 100u * 1024 * 1024);
  EXPECT_EQ(DecoderConfig{}.max_fragments, 100'000u);
  EXPECT_FALSE(DecoderConfig{}.allow_rsv1);
}

TEST(WsDecoder, CanBeMovedMidStream) {
  Decoder decoder;
  decoder.feed(kept("0102 6162"));
  EXPECT_FALSE(decoder.next());
  const bytes rest = hex("8001 63");
  decoder.feed(rest);
  decoder.feed(kept("8101"));  // spills
  Decoder moved = std::move(decoder);
  auto e = moved.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->text(), "abc");
  EXPECT_FALSE(moved.next());
  EXPECT_FALSE(moved.idle());
}

}  // namespace
}  // namespace twinsock::ws
