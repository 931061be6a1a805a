// The JSON reader: RFC 8259 acceptance, the values it builds (nlohmann's number
// types), nesting bounds, and what it refuses.
#include "codec/json/parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "codec/json/writer.hpp"

namespace twinsock {
namespace {

using nlohmann::json;

json parsed(std::string_view text, std::size_t max_depth = 64) {
  json out;
  EXPECT_EQ(parse_json(text, out, max_depth), JsonParseError::none) << text;
  EXPECT_EQ(check_json(text, max_depth), JsonParseError::none) << text;
  return out;
}

JsonParseError error_of(std::string_view text, std::size_t max_depth = 64) {
  json out = "untouched";
  const auto e = parse_json(text, out, max_depth);
  EXPECT_TRUE(e == JsonParseError::none || out.is_null()) << "a failed parse leaves null: " << text;
  EXPECT_EQ(check_json(text, max_depth), e) << "checking without building: the same verdict: " << text;
  return e;
}

TEST(JsonParser, ReadsEveryKindOfValue) {
  EXPECT_EQ(parsed(R"( {"a":[1,-2,2.5,"x",true,false,null],"b":{}} )"),
            json({{"a", {1, -2, 2.5, "x", true, false, nullptr}}, {"b", json::object()}}));
  EXPECT_EQ(parsed("[]"), json::array());
  EXPECT_EQ(parsed("\"\""), json(""));
  EXPECT_EQ(parsed(" \t\r\n0 \n"), json(0));
}

TEST(JsonParser, IntegersKeepNlohmannsTypesAndFloatsAreCorrectlyRounded) {
  EXPECT_TRUE(parsed("18446744073709551615").is_number_unsigned());
  EXPECT_EQ(parsed("18446744073709551615").get<std::uint64_t>(), UINT64_MAX);
  EXPECT_TRUE(parsed("-9223372036854775808").is_number_integer());
  EXPECT_EQ(parsed("-9223372036854775808").get<std::int64_t>(), INT64_MIN);
  EXPECT_TRUE(parsed("18446744073709551616").is_number_float());   // beyond 64 bits: as JSON.parse reads it
  EXPECT_TRUE(parsed("-9223372036854775809").is_number_float());
  EXPECT_TRUE(parsed("-0").is_number_integer());
  EXPECT_TRUE(parsed("1.0").is_number_float());
  EXPECT_EQ(parsed("0.1").get<double>(), 0.1);
  EXPECT_EQ(parsed("1E2").get<double>(), 100.0);
  EXPECT_EQ(parsed("2.2250738585072011e-308").get<double>(), 2.2250738585072011e-308);
  EXPECT_EQ(parsed("1.7976931348623157e308").get<double>(), 1.7976931348623157e308);
}

TEST(JsonParser, DecodesEscapesAndSurrogatePairs) {
  EXPECT_EQ(parsed(R"("\"\\\/\b\f\n\r\t")").get<std::string>(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(parsed(R"("\u00e9\u20AC\ud83d\ude00")").get<std::string>(), "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(parsed(R"("\u0000")").get<std::string>(), std::string(1, '\0'));
  EXPECT_EQ(parsed("\"caf\xC3\xA9\"").get<std::string>(), "caf\xC3\xA9");
}

TEST(JsonParser, LoneSurrogateEscapesReadAsTheReplacementCharacter) {
  // JSON.stringify writes them for a string cut inside a surrogate pair.
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(parsed(R"("\ud800")").get<std::string>(), fffd);
  EXPECT_EQ(parsed(R"("\udc00")").get<std::string>(), fffd);
  EXPECT_EQ(parsed(R"("a\ud83dz")").get<std::string>(), "a" + fffd + "z");
  EXPECT_EQ(parsed(R"("\ud800\u0041")").get<std::string>(), fffd + "A");
  EXPECT_EQ(parsed(R"("\ud800\ud800\udc00")").get<std::string>(), fffd + "\xF0\x90\x80\x80");
  EXPECT_EQ(parsed(R"("\udc00\ud800")").get<std::string>(), fffd + fffd);
  EXPECT_EQ(parsed(R"("\ud800\n")").get<std::string>(), fffd + "\n");
  EXPECT_EQ(parsed(R"(["\ud800"])"), json::array({fffd}));
  EXPECT_EQ(error_of(R"("\ud800\u12G4")"), JsonParseError::syntax);  // what follows is still read
  EXPECT_EQ(error_of("\"\xED\xA0\x80\""), JsonParseError::syntax);   // a surrogate in raw UTF-8 is not UTF-8
}

TEST(JsonParser, TheLastDuplicateKeyWins) {
  EXPECT_EQ(parsed(R"({"a":1,"a":2})"), json({{"a", 2}}));
}

TEST(JsonParser, RefusesWhatIsNotJson) {
  for (const char* bad : {"", " ", "[", "]", "[1,]", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "01", "-", "1.", ".5",
                          "1e", "+1", "NaN", "Infinity", "tru", "nul", "[1 2]", "'a'", "\"a", "[] []", "// c\n1",
                          "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"tab\there\"", "\"\\ud800\\u12G4\"",
                          "\"\xC3\"", "\"\xFF\"", "\"\xED\xA0\x80\"", "\xEF\xBB\xBF[]",
                          "1e400", "-1e400", "[1e99999]"})
    EXPECT_EQ(error_of(bad), JsonParseError::syntax) << bad;
  EXPECT_EQ(error_of(std::string_view("[]\0", 3)), JsonParseError::syntax);  // a NUL is not the end of the text
}

TEST(JsonParser, BoundsNestingWhileReading) {
  EXPECT_EQ(error_of(std::string(3, '[') + std::string(3, ']'), 2), JsonParseError::too_deep);
  EXPECT_EQ(parsed(std::string(2, '[') + std::string(2, ']'), 2), json::array({json::array()}));
  EXPECT_EQ(error_of(R"({"a":{"b":{}}})", 2), JsonParseError::too_deep);
  // A hostile depth is refused long before the end of the text (no recursion to match it).
  EXPECT_EQ(error_of(std::string(1'000'000, '['), 64), JsonParseError::too_deep);
  EXPECT_EQ(error_of("[1,,[[[[", 2), JsonParseError::syntax);  // the first problem in reading order
}

TEST(JsonParser, WhatItReadsWritesBackTheSame) {
  const std::string text = R"({"a":[1,-2,0.5,1e+21,1e-7,"\u0001\"é"],"b":null})";
  std::string written;
  write_json(parsed(text), written);
  EXPECT_EQ(written, R"({"a":[1,-2,0.5,1e+21,1e-7,"\u0001\"é"],"b":null})");
}

}  // namespace
}  // namespace twinsock
