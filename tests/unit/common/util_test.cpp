#include <gtest/gtest.h>

#include <string>

#include "support/hex.hpp"
#include "util/base64.hpp"
#include "util/sha1.hpp"
#include "util/utf8.hpp"

namespace twinsock {
namespace {

using testing::from_hex;
using testing::to_hex;

TEST(Base64, Rfc4648TestVectors) {  // RFC 4648 §10
  const char* cases[][2] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
                            {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto& c : cases) {
    EXPECT_EQ(base64::encode(as_bytes(c[0])), c[1]);
    bytes out;
    ASSERT_TRUE(base64::decode(c[1], out)) << c[1];
    EXPECT_EQ(std::string(as_text(out)), c[0]);
  }
}

TEST(Base64, AcceptsMissingPaddingAndRejectsGarbage) {
  bytes out;
  EXPECT_TRUE(base64::decode("Zm9vYg", out));
  EXPECT_EQ(std::string(as_text(out)), "foob");
  EXPECT_FALSE(base64::decode("Zm9v!", out));
  EXPECT_FALSE(base64::decode("Z", out));         // 4n+1 characters
  EXPECT_FALSE(base64::decode("Zm=v", out));      // padding in the middle
  EXPECT_FALSE(base64::decode("Zg===", out));
  EXPECT_FALSE(base64::decode("Zm9v\n", out));
}

TEST(Base64, AllByteValuesRoundTrip) {
  bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  bytes out;
  ASSERT_TRUE(base64::decode(base64::encode(all), out));
  EXPECT_EQ(out, all);
}

TEST(Sha1, FipsVectors) {
  auto hex = [](std::string_view s) {
    auto d = sha1::digest(as_bytes(s));
    return to_hex(d);
  };
  EXPECT_EQ(hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  // 55 and 56 bytes straddle the padding boundary.
  EXPECT_EQ(hex(std::string(55, 'a')), "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  EXPECT_EQ(hex(std::string(56, 'a')), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
}

TEST(Sha1, WebSocketAcceptKey) {  // RFC 6455 §1.3
  const auto d = sha1::digest(as_bytes("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
  EXPECT_EQ(base64::encode(d), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(utf8::is_valid(as_bytes("")));
  EXPECT_TRUE(utf8::is_valid(as_bytes("hello")));
  EXPECT_TRUE(utf8::is_valid(*from_hex("ceba e1bd b9cf83ce bcceb5")));  // κόσμε
  EXPECT_TRUE(utf8::is_valid(*from_hex("f4 8f bf bf")));               // U+10FFFF
  EXPECT_TRUE(utf8::is_valid(*from_hex("ef bf bf")));                  // U+FFFF
  EXPECT_TRUE(utf8::is_valid(*from_hex("f0 90 80 80")));               // U+10000
}

TEST(Utf8, RejectsMalformedText) {
  const char* bad[] = {"80", "c0 80", "c1 bf", "e0 80 80", "ed a0 80", "f0 80 80 80",
                       "f4 90 80 80", "f5 80 80 80", "ff", "ce", "e1 bd", "cf 41"};
  for (const char* hex : bad) EXPECT_FALSE(utf8::is_valid(*from_hex(hex))) << hex;
}

TEST(Utf8, FailsFastAndTracksSequencesAcrossFeeds) {
  utf8::Validator v;
  EXPECT_TRUE(v.feed(*from_hex("ce")));
  EXPECT_FALSE(v.complete());
  EXPECT_TRUE(v.feed(*from_hex("ba")));
  EXPECT_TRUE(v.complete());
  EXPECT_TRUE(v.feed(*from_hex("f4")));
  EXPECT_FALSE(v.feed(*from_hex("90")));  // > U+10FFFF known at the second byte
  EXPECT_TRUE(v.failed());
  EXPECT_FALSE(v.feed(as_bytes("a")));    // sticky
  v.reset();
  EXPECT_TRUE(v.complete());
}

TEST(Hex, RoundTripAndRejectsOddInput) {
  EXPECT_EQ(to_hex(*from_hex("00 ff 7A")), "00ff7a");
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

}  // namespace
}  // namespace twinsock
