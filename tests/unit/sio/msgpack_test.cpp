#include <gtest/gtest.h>

#include <string>

#include "codec/sio/msgpack_parser.hpp"
#include "codec/sio/msgpack_value.hpp"
#include "support/hex.hpp"
#include "twinsock/error.hpp"

namespace twinsock::sio {
namespace {

using nlohmann::json;
using testing::from_hex;
using testing::to_hex;

std::error_code code(errc e) { return make_error_code(e); }

std::string mp(const json& v) {
  bytes out;
  msgpack::write(v, out);
  return to_hex(out);
}

std::error_code read_hex(std::string_view hex, json& out, msgpack::ReadLimits limits = {}) {
  return msgpack::read(from_hex(hex).value(), out, limits);
}

TEST(SioMsgpack, LengthFormsAtTheirBoundaries) {  // MessagePack spec: str, bin, array, map families
  EXPECT_EQ(mp(std::string(255, 'a')).substr(0, 4), "d9ff");
  EXPECT_EQ(mp(std::string(256, 'a')).substr(0, 6), "da0100");
  EXPECT_EQ(mp(std::string(65535, 'a')).substr(0, 6), "daffff");
  EXPECT_EQ(mp(std::string(65536, 'a')).substr(0, 10), "db00010000");
  EXPECT_EQ(mp(json::binary(bytes(255))).substr(0, 4), "c4ff");
  EXPECT_EQ(mp(json::binary(bytes(256))).substr(0, 6), "c50100");
  EXPECT_EQ(mp(json::binary(bytes(65536))).substr(0, 10), "c600010000");
  EXPECT_EQ(mp(json::array()), "90");
  EXPECT_EQ(mp(json(json::array_t(15, 0))).substr(0, 2), "9f");
  EXPECT_EQ(mp(json(json::array_t(16, 0))).substr(0, 6), "dc0010");
  EXPECT_EQ(mp(json(json::array_t(65536, 0))).substr(0, 10), "dd00010000");
  json big = json::object();
  for (int i = 0; i < 16; ++i) big[std::to_string(100 + i)] = i;
  EXPECT_EQ(mp(big).substr(0, 6), "de0010");
  EXPECT_EQ(mp(json::object()), "80");
  json huge = json::object();
  for (int i = 0; i < 65536; ++i) huge[std::to_string(100000 + i)] = 0;
  EXPECT_EQ(mp(huge).substr(0, 10), "df00010000");
}

TEST(SioMsgpack, EveryLengthFormReadsBack) {
  for (std::size_t n : {0u, 31u, 32u, 255u, 256u, 65535u, 65536u}) {
    const json values[] = {std::string(n, 'x'), json::binary(bytes(n, 7)), json(json::array_t(n, 1))};
    for (const json& v : values) {
      bytes enc;
      msgpack::write(v, enc);
      json back;
      ASSERT_FALSE(msgpack::read(enc, back)) << n;
      EXPECT_EQ(back, v) << n;
    }
  }
}

TEST(SioMsgpack, IllFormedUtf8IsReplacedWhenWritingAndReading) {
  EXPECT_EQ(mp(std::string("a\xFF")), "a461efbfbd");
  json back;
  ASSERT_FALSE(read_hex("a261ff", back));
  EXPECT_EQ(back, "a\xEF\xBF\xBD");
  ASSERT_FALSE(read_hex("81a1ffc0", back));  // in a key too
  EXPECT_EQ(back, json({{"\xEF\xBF\xBD", nullptr}}));
  ASSERT_FALSE(read_hex("a3eda080", back));  // a surrogate in CESU form, as some encoders write a lone one
  EXPECT_EQ(back, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SioMsgpack, TruncationAtEveryByte) {
  bytes full;
  msgpack::write(json::parse(R"({"a":[1,-200,70000,1.5,"xyz",true,null],"b":{"c":-5000000000}})"), full);
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    json v;
    const bytes part(full.begin(), full.begin() + static_cast<long>(cut));
    EXPECT_EQ(msgpack::read(part, v), code(errc::msgpack_truncated)) << cut;
  }
  json v;
  EXPECT_FALSE(msgpack::read(full, v));
  full.push_back(0xc0);
  EXPECT_EQ(msgpack::read(full, v), code(errc::msgpack_trailing_bytes));
}

TEST(SioMsgpack, FakeCountsDoNotAllocate) {
  json v;
  EXPECT_EQ(read_hex("ddffffffff", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("dd00000002c0", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("df7fffffff", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("8101", v), code(errc::msgpack_truncated));  // one byte left, a pair needs two
  EXPECT_EQ(read_hex("c6ffffffff", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("c9ffffffff00", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("c9ffffffff05", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("d8", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("d805", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("d400", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("d700", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("81", v), code(errc::msgpack_truncated));
  EXPECT_EQ(read_hex("82a16101", v), code(errc::msgpack_truncated));
}

TEST(SioMsgpack, DeepNestingIsRefused) {
  const bytes deep(100000, 0x91);
  json v;
  EXPECT_EQ(msgpack::read(deep, v), code(errc::msgpack_too_deep));
  bytes ok(64, 0x91);
  ok.push_back(0x90);
  EXPECT_EQ(msgpack::read(ok, v), code(errc::msgpack_too_deep));  // 65 levels
  ok.erase(ok.begin());
  EXPECT_FALSE(msgpack::read(ok, v));
  msgpack::ReadLimits limits;
  limits.max_depth = 1;
  EXPECT_EQ(read_hex("91d5000000", v, limits), code(errc::msgpack_too_deep));  // [ext] makes [type, bin]
  EXPECT_FALSE(read_hex("d5000000", v, limits));
}

TEST(SioMsgpack, BinaryCountLimit) {
  msgpack::ReadLimits limits;
  limits.max_binaries = 2;
  json v;
  EXPECT_FALSE(read_hex("92c400c70000", v, limits));
  EXPECT_EQ(read_hex("93c400c400c400", v, limits), code(errc::sio_too_many_attachments));
  EXPECT_EQ(read_hex("93c400c400d40101", v, limits), code(errc::sio_too_many_attachments));
}

TEST(SioMsgpack, PacketDefaultsAndRoundTrip) {
  const Packet packets[] = {
      {PacketType::connect, "/"},
      {PacketType::connect, "/a", std::nullopt, {{"token", "t"}}},
      {PacketType::event, "/", 0, json::array({"ev", 1.25, -3, json::binary(bytes{1, 2}), {{"k", nullptr}}})},
      {PacketType::ack, "/x", 18446744073709551615u, json::array()},
      {PacketType::connect_error, "/", std::nullopt, "nope"},
      {PacketType::disconnect, "/"},
  };
  Limits limits;
  limits.max_ack_id = UINT64_MAX;
  for (const Packet& p : packets) {
    const bytes enc = encode_msgpack(p);
    Packet back;
    ASSERT_FALSE(decode_msgpack(enc, back, limits)) << to_hex(enc);
    EXPECT_EQ(back, p) << to_hex(enc);
  }
  Packet back;
  EXPECT_EQ(decode_msgpack(encode_msgpack(packets[3]), back), code(errc::sio_bad_ack_id));  // default max
}

TEST(SioMsgpack, NilDataCountsAsNone) {  // python-socketio writes "data": nil into packets without one
  auto decode = [](PacketType type) {
    bytes in;
    msgpack::write(json{{"type", static_cast<int>(type)}, {"data", nullptr}, {"nsp", "/"}}, in);
    Packet p;
    const std::error_code ec = decode_msgpack(in, p);
    EXPECT_TRUE(ec || p.data.is_null());
    return ec;
  };
  EXPECT_FALSE(decode(PacketType::disconnect));
  EXPECT_FALSE(decode(PacketType::connect));
  EXPECT_EQ(decode(PacketType::event), code(errc::sio_bad_payload));  // an EVENT needs its array
  EXPECT_EQ(decode(PacketType::ack), code(errc::sio_bad_payload));
}

TEST(SioMsgpack, DecodeLeavesThePacketAloneOnError) {
  Packet p{PacketType::ack, "/keep", 5, json::array()};
  const Packet before = p;
  EXPECT_EQ(decode_msgpack(from_hex("c1").value(), p), code(errc::msgpack_bad_format));
  EXPECT_EQ(p, before);
}

TEST(SioMsgpack, DateConversion) {  // ECMA-262 Date.prototype.toISOString
  auto date = [](std::int64_t ms) {
    bytes in = {0xd7, 0x00};
    for (int i = 7; i >= 0; --i) in.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(ms) >> (8 * i)));
    json v;
    EXPECT_FALSE(msgpack::read(in, v));
    return v;
  };
  EXPECT_EQ(date(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(date(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(date(-62167219200000), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(date(-62167219200001), "-000001-12-31T23:59:59.999Z");
  EXPECT_EQ(date(8640000000000000), "+275760-09-13T00:00:00.000Z");
  EXPECT_EQ(date(-8640000000000000), "-271821-04-20T00:00:00.000Z");
  EXPECT_EQ(date(-8640000000000001), nullptr);
  EXPECT_EQ(date(INT64_MIN), nullptr);
}

TEST(SioMsgpack, OtherExtTypesAreTypeAndBytes) {  // notepack 2.2: [type, Buffer]
  json v;
  ASSERT_FALSE(read_hex("c70301313233", v));
  EXPECT_EQ(v, json::array({1, json::binary(bytes{'1', '2', '3'})}));
  ASSERT_FALSE(read_hex("d8" "80" "000102030405060708090a0b0c0d0e0f", v));
  EXPECT_EQ(v[0], -128);
  EXPECT_EQ(v[1].get_ptr<const json::binary_t*>()->size(), 16u);
  ASSERT_FALSE(read_hex("d70100000000000000ff", v));  // fixext 8 of another type is not a Date
  EXPECT_TRUE(v.is_array());
  ASSERT_FALSE(read_hex("c80000" "00", v));  // ext 16 type 0: an empty ArrayBuffer
  EXPECT_EQ(v, json::binary(bytes{}));
}

TEST(SioMsgpack, DiscardedIsWrittenAsUndefined) {
  EXPECT_EQ(mp(json(json::value_t::discarded)), "d40000");
  Packet p{PacketType::connect, "/", std::nullopt, json(json::value_t::discarded)};
  EXPECT_EQ(to_hex(encode_msgpack(p)), "82a47479706500a36e7370a12f");  // absent: no "data"
}

}  // namespace
}  // namespace twinsock::sio
