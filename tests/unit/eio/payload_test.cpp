#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/eio/payload.hpp"
#include "twinsock/error.hpp"

namespace twinsock::eio {
namespace {

using Packets = std::vector<Packet>;

Packet msg(std::string data) { return Packet::text(PacketType::message, std::move(data)); }

TEST(EioPayload, EncodesPacketsJoinedWithRecordSeparator) {  // PROTOCOLS.md examples
  const Packets three{msg("hello"), Packet::text(PacketType::ping), msg("world")};
  EXPECT_EQ(encode_payload(three), "4hello\x1e" "2\x1e" "4world");
  EXPECT_EQ(encode_payload(Packets{msg("hello"), Packet::binary_message({1, 2, 3, 4})}), "4hello\x1e" "bAQIDBA==");
  EXPECT_EQ(encode_payload(Packets{msg(R"(2["hello"])"), msg(R"(2["world"])")}), "42[\"hello\"]\x1e" "42[\"world\"]");
  EXPECT_EQ(encode_payload(Packets{msg("x")}), "4x");
  EXPECT_EQ(encode_payload(Packets{}), "");
  EXPECT_EQ(encoded_payload_size(three), encode_payload(three).size());
  EXPECT_EQ(encoded_payload_size(Packets{}), 0u);
}

TEST(EioPayload, DecodesPacketsSplitAtRecordSeparators) {
  Packets out;
  EXPECT_FALSE(decode_payload("4hello\x1e" "2\x1e" "4world", out));
  EXPECT_EQ(out, (Packets{msg("hello"), Packet::text(PacketType::ping), msg("world")}));
  EXPECT_FALSE(decode_payload("4hello\x1e" "bAQIDBA==", out));
  EXPECT_EQ(out, (Packets{msg("hello"), Packet::binary_message({1, 2, 3, 4})}));
  EXPECT_FALSE(decode_payload("6", out));
  EXPECT_EQ(out, Packets{Packet::text(PacketType::noop)});
  EXPECT_FALSE(decode_payload("4", out));
  EXPECT_EQ(out, Packets{msg("")});
}

TEST(EioPayload, EmptyBodyOrEmptyRecordIsAnError) {
  Packets out;
  EXPECT_EQ(decode_payload("", out), errc::eio_empty_packet);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(decode_payload("4a\x1e", out), errc::eio_empty_packet);  // trailing separator
  EXPECT_EQ(out, Packets{msg("a")});
  EXPECT_EQ(decode_payload("\x1e" "4a", out), errc::eio_empty_packet);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(decode_payload("4a\x1e\x1e" "4b", out), errc::eio_empty_packet);
}

TEST(EioPayload, ABadRecordStopsDecodingAndKeepsThePacketsBefore) {
  Packets out;
  EXPECT_EQ(decode_payload("4a\x1e" "9\x1e" "4b", out), errc::eio_bad_packet_type);
  EXPECT_EQ(out, Packets{msg("a")});
  EXPECT_EQ(decode_payload("4a\x1e" "b@@@@", out), errc::eio_bad_base64);
  EXPECT_EQ(out, Packets{msg("a")});
}

TEST(EioPayload, EnforcesLimitsBeforeDecoding) {
  const PayloadLimits limits{.max_payload_bytes = 8, .max_packets = 3};
  Packets out;
  EXPECT_FALSE(decode_payload("4a\x1e" "4b\x1e" "4c", out, limits));  // 8 bytes, 3 packets
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(decode_payload("4abcdefgh", out, limits), errc::eio_payload_too_large);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(decode_payload("2\x1e" "2\x1e" "2\x1e" "2", out, limits), errc::eio_too_many_packets);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(std::error_code(errc::eio_too_many_packets), condition::limit_exceeded);
  const PayloadLimits defaults;
  EXPECT_GE(defaults.max_payload_bytes, 1'000'000u);
  EXPECT_GE(defaults.max_packets, 1000u);
}

// engine.io-client _getWritablePackets(): at least one packet, then as many as fit.
TEST(EioPayload, WritableCountFillsUpToMaxPayload) {
  const Packets q{msg("aaaa"), msg("bbbb"), msg("cccc")};  // 5 bytes each, + 1 per separator
  EXPECT_EQ(writable_count(q, 17), 3u);
  EXPECT_EQ(writable_count(q, 16), 2u);
  EXPECT_EQ(writable_count(q, 11), 2u);
  EXPECT_EQ(writable_count(q, 10), 1u);
  EXPECT_EQ(writable_count(q, 5), 1u);
  EXPECT_EQ(writable_count(q, 1), 1u);  // one packet even if it alone is larger
  EXPECT_EQ(writable_count(q, 0), 3u);  // 0: no limit
  EXPECT_EQ(writable_count(Packets{}, 10), 0u);
  EXPECT_EQ(writable_count(Packets{msg(std::string(100, 'x'))}, 10), 1u);
  // Binary packets count with their base64 size: "bAQIDBA==" is 9 bytes.
  const Packets bin{msg("a"), Packet::binary_message({1, 2, 3, 4}), msg("b")};
  EXPECT_EQ(writable_count(bin, 12), 2u);
  EXPECT_EQ(writable_count(bin, 11), 1u);
  EXPECT_EQ(writable_count(bin, 15), 3u);
}

TEST(EioPayload, SplittingAQueueGivesPayloadsWithinTheLimit) {
  Packets queue;
  for (int i = 0; i < 50; ++i) queue.push_back(msg(std::string(static_cast<std::size_t>(i % 7) + 1, 'x')));
  std::span<const Packet> rest(queue);
  std::size_t total = 0;
  while (!rest.empty()) {
    const std::size_t n = writable_count(rest, 20);
    ASSERT_GE(n, 1u);
    const auto part = rest.first(n);
    EXPECT_LE(encode_payload(part).size(), 20u);
    Packets back;
    EXPECT_FALSE(decode_payload(encode_payload(part), back));
    EXPECT_EQ(back, Packets(part.begin(), part.end()));
    total += n;
    rest = rest.subspan(n);
  }
  EXPECT_EQ(total, queue.size());
}

}  // namespace
}  // namespace twinsock::eio
