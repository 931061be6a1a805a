#include <gtest/gtest.h>

#include "codec/url/percent.hpp"
#include "codec/url/query.hpp"
#include "codec/url/socketio.hpp"
#include "twinsock/error.hpp"

namespace twinsock::url {
namespace {

TEST(Percent, EncodeComponentMatchesEncodeURIComponent) {
  EXPECT_EQ(encode_component("abcXYZ019-_.!~*'()"), "abcXYZ019-_.!~*'()");
  EXPECT_EQ(encode_component("a b&c=d/e?f#g%h+i"), "a%20b%26c%3Dd%2Fe%3Ff%23g%25h%2Bi");
  EXPECT_EQ(encode_component("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(encode_component(std::string_view("\0", 1)), "%00");
}

TEST(Percent, Decode) {
  std::string out;
  EXPECT_FALSE(decode("a%20b%2Bc+d", out));
  EXPECT_EQ(out, "a b+c+d");
  EXPECT_FALSE(decode("a+b", out, true));
  EXPECT_EQ(out, "a b");
  EXPECT_EQ(decode("%", out), errc::url_bad_percent_encoding);
  EXPECT_EQ(decode("%a", out), errc::url_bad_percent_encoding);
  EXPECT_EQ(decode("%ag", out), errc::url_bad_percent_encoding);
  EXPECT_TRUE(is_hex_digit('F'));
  EXPECT_FALSE(is_hex_digit('G'));
}

TEST(Query, RoundTrip) {
  const QueryList params = {{"EIO", "4"}, {"token", "a b&c"}, {"", "empty key"}, {"k", ""}};
  const std::string text = encode_query(params);
  EXPECT_EQ(text, "EIO=4&token=a%20b%26c&=empty%20key&k=");
  QueryList back;
  ASSERT_FALSE(decode_query(text, back));
  EXPECT_EQ(back, params);
  EXPECT_EQ(encode_query({}), "");
}

TEST(Query, DecodeRules) {
  QueryList out;
  ASSERT_FALSE(decode_query("a=1&&b&c=x=y&d=1+2&", out));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1], (QueryParam{"b", ""}));
  EXPECT_EQ(out[2], (QueryParam{"c", "x=y"}));
  EXPECT_EQ(out[3], (QueryParam{"d", "1 2"}));
  ASSERT_NE(find_param(out, "c"), nullptr);
  EXPECT_EQ(*find_param(out, "c"), "x=y");
  EXPECT_EQ(find_param(out, "zz"), nullptr);
  EXPECT_EQ(decode_query("a=%zz", out), errc::url_bad_percent_encoding);
  EXPECT_EQ(decode_query("%zz=1", out), errc::url_bad_percent_encoding);
  ASSERT_FALSE(decode_query("", out));
  EXPECT_TRUE(out.empty());
}

TEST(SocketIo, SplitLikeSocketIoClient) {
  Url u;
  ASSERT_FALSE(parse("http://localhost:3000/chat?x=1", u));
  const SocketIoTarget t = split_socketio(u);
  EXPECT_EQ(t.nsp, "/chat");
  EXPECT_EQ(t.query, "x=1");
  EXPECT_EQ(t.engine.href(), "http://localhost:3000/");
  ASSERT_FALSE(parse("https://example.com", u));
  EXPECT_EQ(split_socketio(u).nsp, "/");
  EXPECT_EQ(split_socketio(u).query, "");
  Url hand;
  hand.path = "";
  EXPECT_EQ(split_socketio(hand).nsp, "/");
}

TEST(SocketIo, EngineTarget) {
  EXPECT_EQ(engine_target("/socket.io/", engine_query("polling", "")), "/socket.io/?EIO=4&transport=polling");
  EXPECT_EQ(engine_target("/socket.io", engine_query("websocket", "ab/c")),
            "/socket.io/?EIO=4&transport=websocket&sid=ab%2Fc");
  EXPECT_EQ(engine_target("/socket.io/", engine_query("polling", ""), false), "/socket.io?EIO=4&transport=polling");
  EXPECT_EQ(engine_target("engine.io//", {}), "/engine.io/");
  EXPECT_EQ(engine_target("", {}), "/");
  EXPECT_EQ(engine_target("", {}, false), "/");
  EXPECT_EQ(engine_target("/a b/%41", {}), "/a%20b/%41/");
  EXPECT_EQ(engine_target("/50%/", {}), "/50%25/");
  EXPECT_EQ(engine_target("x?y#z", {{"k", "v"}}, false), "/x%3Fy%23z?k=v");
}

TEST(SocketIo, EngineQueryOrderAndReservedKeys) {
  QueryList extra;
  ASSERT_FALSE(decode_query("token=a+b&EIO=3&transport=x&sid=s&t=1", extra));
  const QueryList q = engine_query("polling", "sid1", extra);
  EXPECT_EQ(encode_query(q), "EIO=4&transport=polling&sid=sid1&token=a%20b&t=1");
}

}  // namespace
}  // namespace twinsock::url
