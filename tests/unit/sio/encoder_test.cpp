#include <gtest/gtest.h>

#include <string>

#include "codec/sio/decoder.hpp"
#include "codec/sio/encoder.hpp"
#include "codec/json/writer.hpp"
#include "twinsock/error.hpp"

namespace twinsock::sio {
namespace {

using nlohmann::json;

json bin(std::initializer_list<std::uint8_t> b) { return json::binary(bytes(b)); }

std::string js(const json& v) {
  std::string out;
  write_json(v, out);
  return out;
}

std::string js_number(double d) {
  std::string out;
  append_js_number(d, out);
  return out;
}

TEST(SioEncoder, ProtocolTableExamples) {  // socket.io-protocol Readme, "Examples"
  EXPECT_EQ(encode({PacketType::connect, "/"}).text, "0");
  EXPECT_EQ(encode({PacketType::connect, "/admin"}).text, "0/admin,");
  EXPECT_EQ(encode({PacketType::connect, "/admin", {}, {{"token", "123"}}}).text, "0/admin,{\"token\":\"123\"}");
  EXPECT_EQ(encode({PacketType::event, "/", 12, {"foo"}}).text, "212[\"foo\"]");
  EXPECT_EQ(encode({PacketType::event, "/admin", 13, {"foo"}}).text, "2/admin,13[\"foo\"]");
  EXPECT_EQ(encode({PacketType::ack, "/", 12, json::array()}).text, "312[]");
  EXPECT_EQ(encode({PacketType::disconnect, "/admin"}).text, "1/admin,");
  EXPECT_EQ(encode({PacketType::connect_error, "/", {}, {{"message", "Not authorized"}}}).text,
            "4{\"message\":\"Not authorized\"}");
}

TEST(SioEncoder, BinaryBecomesPlaceholdersAndAttachments) {
  auto e = encode({PacketType::event, "/admin", std::nullopt, {"baz", bin({1}), {{"k", bin({2, 3})}}}});
  EXPECT_EQ(e.text,
            "52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"k\":{\"_placeholder\":true,\"num\":1}}]");
  ASSERT_EQ(e.attachments.size(), 2u);
  EXPECT_EQ(e.attachments[0], bytes({1}));
  EXPECT_EQ(e.attachments[1], bytes({2, 3}));

  e = encode({PacketType::ack, "/", 15, json::array({"bar", bin({})})});
  EXPECT_EQ(e.text, "61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]");
  ASSERT_EQ(e.attachments.size(), 1u);
  EXPECT_TRUE(e.attachments[0].empty());
}

TEST(SioEncoder, BinaryTypeFollowsTheData) {  // socket.io-parser 4.2.7 refuses "50-"
  EXPECT_EQ(encode({PacketType::binary_event, "/", 1, {"a"}}).text, "21[\"a\"]");
  EXPECT_EQ(encode({PacketType::binary_ack, "/", 2, json::array()}).text, "32[]");
  EXPECT_EQ(encode({PacketType::binary_ack, "/", 2, json::array({bin({1})})}).text,
            "61-2[{\"_placeholder\":true,\"num\":0}]");
}

TEST(SioEncoder, NullDataIsNoPayloadAndEmptyNamespaceIsMain) {
  EXPECT_EQ(encode({PacketType::event, "", 4, nullptr}).text, "24");
  EXPECT_EQ(encode({PacketType::connect, "", std::nullopt, json(json::value_t::discarded)}).text, "0");
}

TEST(SioEncoder, RoundTripThroughTheDecoder) {
  const Packet packets[] = {
      {PacketType::connect, "/", std::nullopt, {{"token", "t"}, {"n", 1.25}}},
      {PacketType::event, "/x", 99, {"ev", nullptr, true, -7, "ünï", json::array({bin({9}), {{"deep", {bin({8})}}}})}},
      {PacketType::ack, "/", 0, {bin({1, 2}), bin({3})}},
      {PacketType::connect_error, "/a", std::nullopt, {{"message", "no"}, {"data", {{"code", 3}}}}},
      {PacketType::disconnect, "/a"},
  };
  for (const Packet& p : packets) {
    const auto e = encode(p);
    Decoder decoder;
    ASSERT_FALSE(decoder.add_text(e.text)) << e.text;
    for (const bytes& a : e.attachments) ASSERT_FALSE(decoder.add_binary(a));
    auto got = decoder.next();
    ASSERT_TRUE(got) << e.text;
    EXPECT_EQ(*got, p) << e.text;
  }
}

TEST(SioJsonWriter, StringsLikeJsonStringify) {
  EXPECT_EQ(js("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
  EXPECT_EQ(js("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(js(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(js("\xC3\xA9\xE2\x80\xA8\xF0\x9F\x98\x80"), "\"\xC3\xA9\xE2\x80\xA8\xF0\x9F\x98\x80\"");
  // Plain runs (copied whole) around escapes and multi-byte characters.
  EXPECT_EQ(js("hello \"world\"\n\xC3\xA9t\xC3\xA9 ok"), "\"hello \\\"world\\\"\\n\xC3\xA9t\xC3\xA9 ok\"");
  EXPECT_EQ(js(std::string(300, 'x') + "\\"), "\"" + std::string(300, 'x') + "\\\\\"");
}

TEST(SioJsonWriter, IllFormedUtf8BecomesReplacementCharacters) {  // Unicode §3.9 maximal subparts
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(js(std::string("a\xFF" "b")), "\"a" + fffd + "b\"");
  EXPECT_EQ(js(std::string("\xE2\x80")), "\"" + fffd + "\"");           // truncated 3-byte: one U+FFFD
  EXPECT_EQ(js(std::string("\xE2\x80" "A")), "\"" + fffd + "A\"");
  EXPECT_EQ(js(std::string("\xED\xA0\x80")), "\"" + fffd + fffd + fffd + "\"");  // surrogate
  EXPECT_EQ(js(std::string("\xC0\xAF")), "\"" + fffd + fffd + "\"");             // overlong
  EXPECT_EQ(js(std::string("\xF4\x90\x80\x80")), "\"" + fffd + fffd + fffd + fffd + "\"");
  json obj = json::object();
  obj[std::string("k\xFF")] = 1;
  EXPECT_EQ(js(obj), "{\"k" + fffd + "\":1}");
  std::string out;
  append_utf8_replacing("ok\xF0\x9F\x98", out);
  EXPECT_EQ(out, "ok" + fffd);
}

TEST(SioJsonWriter, NumbersLikeNumberToString) {  // ECMA-262 Number::toString
  EXPECT_EQ(js_number(1), "1");
  EXPECT_EQ(js_number(-1.5), "-1.5");
  EXPECT_EQ(js_number(-0.0), "0");
  EXPECT_EQ(js_number(0.1), "0.1");
  EXPECT_EQ(js_number(1e21), "1e+21");
  EXPECT_EQ(js_number(1e20), "100000000000000000000");
  EXPECT_EQ(js_number(123e-20), "1.23e-18");
  EXPECT_EQ(js_number(0.000001), "0.000001");
  EXPECT_EQ(js_number(1e-7), "1e-7");
  EXPECT_EQ(js_number(1.5e300), "1.5e+300");
  EXPECT_EQ(js_number(-2.5e-10), "-2.5e-10");
  EXPECT_EQ(js_number(123.456), "123.456");
  EXPECT_EQ(js_number(5e-324), "5e-324");
  EXPECT_EQ(js_number(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(js_number(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(js(json(std::int64_t{-9223372036854775807 - 1})), "-9223372036854775808");
  EXPECT_EQ(js(json(std::uint64_t{18446744073709551615u})), "18446744073709551615");
}

TEST(SioJsonWriter, ContainersAndSpecialValues) {
  EXPECT_EQ(js(json::parse(R"({"b":[1,{"c":null}],"a":true})")), R"({"a":true,"b":[1,{"c":null}]})");
  EXPECT_EQ(js(json::array()), "[]");
  EXPECT_EQ(js(json::object()), "{}");
  EXPECT_EQ(js(json(json::value_t::discarded)), "null");
  EXPECT_EQ(js(bin({0, 255})), R"({"type":"Buffer","data":[0,255]})");
  std::vector<bytes> attachments;
  std::string out;
  write_json(json::array({bin({1}), bin({2})}), out, &attachments);
  EXPECT_EQ(out, R"([{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  EXPECT_EQ(attachments.size(), 2u);
}

TEST(SioJsonWriter, FloatsRoundTripThroughTheParser) {
  const double values[] = {0.1, 1.0 / 3, 2.0 / 3e-300, 6.02214076e23, 1e-6, 9.999999999999999e20, 4.35, 1e300};
  for (double d : values) {
    const json back = json::parse(js_number(d), nullptr, false);
    ASSERT_TRUE(back.is_number()) << d;
    EXPECT_EQ(back.get<double>(), d) << js_number(d);
  }
}

}  // namespace
}  // namespace twinsock::sio
