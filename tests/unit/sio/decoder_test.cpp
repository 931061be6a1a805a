#include <gtest/gtest.h>

#include <string>

#include "codec/sio/binary.hpp"
#include "codec/sio/decoder.hpp"
#include "codec/sio/encoder.hpp"
#include "twinsock/error.hpp"

namespace twinsock::sio {
namespace {

using nlohmann::json;

std::error_code code(errc e) { return make_error_code(e); }

std::string placeholder(int n) { return "{\"_placeholder\":true,\"num\":" + std::to_string(n) + "}"; }

TEST(SioDecoder, PullsPacketsInOrder) {
  Decoder d;
  EXPECT_FALSE(d.add_text("0{\"sid\":\"x\"}"));
  EXPECT_FALSE(d.add_text("2/admin,7[\"ev\",1]"));
  auto p = d.next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, PacketType::connect);
  EXPECT_EQ(p->data, json({{"sid", "x"}}));
  p = d.next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, PacketType::event);
  EXPECT_EQ(p->nsp, "/admin");
  EXPECT_EQ(p->id, 7u);
  EXPECT_EQ(p->data, json::array({"ev", 1}));
  EXPECT_FALSE(d.next());
}

TEST(SioDecoder, KeepsTheArgumentsTextAsItCameWhenAsked) {
  // For bindings that hand the arguments on unparsed, object keys in their order.
  Limits keep;
  keep.keep_text = true;
  Decoder d(keep);
  const auto text_of = [&](std::string_view message) {
    EXPECT_FALSE(d.add_text(message)) << message;
    auto p = d.next();
    return p ? p->text : std::string("<none>");
  };
  EXPECT_EQ(text_of("2[\"ev\",{\"z\":1,\"a\":[2,{\"y\":0,\"b\":1}]}]"), "[{\"z\":1,\"a\":[2,{\"y\":0,\"b\":1}]}]");
  EXPECT_EQ(text_of("2/chat,7[ \"e\\\"v,]\" , 1 ,\"x\"]"), "[ 1 ,\"x\"]");  // quotes, commas in the name
  EXPECT_EQ(text_of("2[42,\"n\"]"), "[\"n\"]");                              // a number as the name
  EXPECT_EQ(text_of("2[\"alone\"]"), "[]");
  EXPECT_EQ(text_of("39[{\"z\":1,\"a\":2}]"), "[{\"z\":1,\"a\":2}]");   // an ack: its whole payload
  EXPECT_EQ(text_of("0{\"sid\":\"x\"}"), "");                                // not an event
  ASSERT_FALSE(d.add_text("51-[\"bin\"," + placeholder(0) + "]"));
  ASSERT_FALSE(d.add_binary(as_bytes(std::string_view("\x01", 1))));
  EXPECT_EQ(d.next()->text, "");  // binary: the values are rebuilt, no text
  Decoder plain;                   // off by default: no copy of every payload
  ASSERT_FALSE(plain.add_text("2[\"ev\",1]"));
  EXPECT_EQ(plain.next()->text, "");
}

TEST(SioDecoder, AbsentAndPresentConnectPayloadsDiffer) {
  Decoder d;
  ASSERT_FALSE(d.add_text("0"));
  ASSERT_FALSE(d.add_text("0{}"));
  EXPECT_FALSE(d.next()->has_data());
  EXPECT_TRUE(d.next()->has_data());
}

TEST(SioDecoder, BinaryPacketWaitsForItsAttachments) {
  Decoder d;
  ASSERT_FALSE(d.add_text("52-[\"up\"," + placeholder(1) + "," + placeholder(0) + "]"));
  EXPECT_TRUE(d.awaiting_attachments());
  EXPECT_EQ(d.attachments_expected(), 2u);
  const bytes a = {1}, b = {2, 3};
  ASSERT_FALSE(d.add_binary(a));
  EXPECT_EQ(d.attachments_received(), 1u);
  EXPECT_FALSE(d.next());
  ASSERT_FALSE(d.add_binary(b));
  EXPECT_FALSE(d.awaiting_attachments());
  auto p = d.next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, PacketType::event);  // as the reference reports it
  EXPECT_EQ(p->data, json::array({"up", json::binary(b), json::binary(a)}));
}

TEST(SioDecoder, ErrorsAreStickyUntilReset) {
  Decoder d;
  ASSERT_FALSE(d.add_text("2[\"ok\"]"));
  EXPECT_EQ(d.add_text("9"), code(errc::sio_bad_packet_type));
  EXPECT_TRUE(d.failed());
  EXPECT_EQ(d.add_text("2[\"a\"]"), code(errc::sio_bad_packet_type));
  EXPECT_EQ(d.add_binary(bytes{1}), code(errc::sio_bad_packet_type));
  EXPECT_TRUE(d.next());  // packets completed before the error are still there
  EXPECT_FALSE(d.next());
  d.reset();
  EXPECT_FALSE(d.failed());
  EXPECT_FALSE(d.add_text("2[\"a\"]"));
  EXPECT_TRUE(d.next());
}

TEST(SioDecoder, ResetDropsAPartialPacket) {
  Decoder d;
  ASSERT_FALSE(d.add_text("51-[\"a\"," + placeholder(0) + "]"));
  d.reset();
  EXPECT_FALSE(d.awaiting_attachments());
  EXPECT_EQ(d.add_binary(bytes{1}), code(errc::sio_unexpected_attachment));
}

TEST(SioDecoder, TextWhileAttachmentsArePending) {
  Decoder d;
  ASSERT_FALSE(d.add_text("51-[\"a\"," + placeholder(0) + "]"));
  EXPECT_EQ(d.add_text("2[\"b\"]"), code(errc::sio_unexpected_text));
  EXPECT_FALSE(d.awaiting_attachments());
}

TEST(SioDecoder, NamespaceMustBeUtf8) {
  Decoder d;
  EXPECT_EQ(d.add_text("2/\xFF,[\"a\"]"), code(errc::sio_bad_namespace));
  Decoder ok;
  EXPECT_FALSE(ok.add_text("2/\xC3\xA9,[\"a\"]"));
  EXPECT_EQ(ok.next()->nsp, "/\xC3\xA9");
}

TEST(SioDecoder, InvalidUtf8InPayloadIsBadJson) {
  Decoder d;
  EXPECT_EQ(d.add_text("2[\"\xFF\"]"), code(errc::sio_bad_json));
}

TEST(SioDecoder, RepeatedPlaceholdersCannotMultiplyMemory) {
  // One 8-byte attachment referenced 10 times is 80 bytes once rebuilt.
  std::string header = "51-[\"a\"";
  for (int i = 0; i < 10; ++i) header += "," + placeholder(0);
  header += "]";
  Limits limits;
  limits.max_packet_bytes = header.size() + 8;
  Decoder tight(limits);
  ASSERT_FALSE(tight.add_text(header));
  EXPECT_EQ(tight.add_binary(bytes(8, 0xAA)), code(errc::sio_packet_too_large));

  limits.max_packet_bytes = 80;  // header (> 80 bytes) alone exceeds it
  Decoder small(limits);
  EXPECT_EQ(small.add_text(header), code(errc::sio_packet_too_large));

  Decoder roomy;
  ASSERT_FALSE(roomy.add_text(header));
  ASSERT_FALSE(roomy.add_binary(bytes(8, 0xAA)));
  EXPECT_EQ(count_binary(roomy.next()->data), 10u);
}

TEST(SioDecoder, AttachmentLimitBoundary) {
  Limits limits;
  limits.max_attachments = 3;
  Decoder d(limits);
  EXPECT_FALSE(d.add_text("53-[\"a\"]"));
  EXPECT_EQ(d.attachments_expected(), 3u);
  Decoder e(limits);
  EXPECT_EQ(e.add_text("54-[\"a\"]"), code(errc::sio_too_many_attachments));
  limits.max_attachments = 0;
  Decoder z(limits);
  EXPECT_FALSE(z.add_text("50-[\"a\"]"));
  EXPECT_EQ(z.add_text("51-[\"a\"]"), code(errc::sio_too_many_attachments));
}

TEST(SioDecoder, AckIdBounds) {
  Limits limits;
  limits.max_ack_id = 5;
  Packet p;
  std::size_t n = 0;
  EXPECT_FALSE(decode_text("25[\"a\"]", limits, p, n));
  EXPECT_EQ(p.id, 5u);
  EXPECT_EQ(decode_text("26[\"a\"]", limits, p, n), code(errc::sio_bad_ack_id));
  EXPECT_EQ(decode_text("27[\"a\"]", limits, p, n), code(errc::sio_bad_ack_id));  // digit alone above the max
  limits.max_ack_id = 0;
  EXPECT_FALSE(decode_text("20[\"a\"]", limits, p, n));
  EXPECT_EQ(decode_text("21[\"a\"]", limits, p, n), code(errc::sio_bad_ack_id));
  limits.max_ack_id = UINT64_MAX;
  EXPECT_FALSE(decode_text("218446744073709551615[\"a\"]", limits, p, n));
  EXPECT_EQ(p.id, UINT64_MAX);
  EXPECT_EQ(decode_text("218446744073709551616[\"a\"]", limits, p, n), code(errc::sio_bad_ack_id));
}

TEST(SioDecoder, DecodeTextKeepsTheWireType) {
  Packet p;
  std::size_t n = 0;
  ASSERT_FALSE(decode_text("61-/a,2[" + placeholder(0) + "]", Limits{}, p, n));
  EXPECT_EQ(p.type, PacketType::binary_ack);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(p.nsp, "/a");
  EXPECT_TRUE(is_placeholder(p.data[0]));
}

TEST(SioDecoder, DeepNestingIsRefused) {
  Decoder d;  // default max_json_depth = 64
  const std::string deep = "2[\"a\"," + std::string(100000, '[') + std::string(100000, ']') + "]";
  EXPECT_EQ(d.add_text(deep), code(errc::json_too_deep));
  Decoder ok;
  EXPECT_FALSE(ok.add_text("2[\"a\"," + std::string(63, '[') + std::string(63, ']') + "]"));
}

TEST(SioDecoder, ErrorIdsAreStable) {
  EXPECT_EQ(error_id(errc::sio_bad_placeholder), "TWINSOCK_ERR_SIO_BAD_PLACEHOLDER");
  EXPECT_EQ(error_id(errc::sio_unexpected_text), "TWINSOCK_ERR_SIO_UNEXPECTED_TEXT");
  EXPECT_EQ(errc_from_id("TWINSOCK_ERR_MSGPACK_NOT_A_PACKET"), errc::msgpack_not_a_packet);
  EXPECT_EQ(errc_from_id("TWINSOCK_ERR_MSGPACK_BAD_UTF8"), errc::msgpack_bad_utf8);
  EXPECT_TRUE(make_error_code(errc::sio_too_many_attachments) == condition::limit_exceeded);
  EXPECT_TRUE(make_error_code(errc::sio_bad_payload) == condition::protocol_violation);
}

}  // namespace
}  // namespace twinsock::sio
