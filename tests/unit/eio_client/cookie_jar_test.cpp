// eio::CookieJar: the RFC 6265 subset sticky sessions need.
#include "twinsock/eio/cookie_jar.hpp"

#include <gtest/gtest.h>

namespace twinsock::eio {
namespace {

using namespace std::chrono_literals;

const WallClock::time_point kNow = WallClock::time_point(std::chrono::seconds(1'700'000'000));  // 2023-11-14

TEST(CookieJar, StoresNameValueAndSendsItBack) {
  CookieJar jar;
  jar.set_cookie("lb.example.com", "/engine.io/", "AWSALB=abc123; Path=/", kNow);
  EXPECT_EQ(jar.header_for("lb.example.com", "/engine.io/", false, kNow), "AWSALB=abc123");
  EXPECT_EQ(jar.header_for("LB.example.COM", "/other", false, kNow), "AWSALB=abc123");
  EXPECT_EQ(jar.header_for("other.example.com", "/engine.io/", false, kNow), "");  // host-only
}

TEST(CookieJar, SeveralCookiesJoinedLongestPathFirst) {
  CookieJar jar;
  jar.set_cookie("h", "/", "a=1; Path=/", kNow);
  jar.set_cookie("h", "/", "b=2; Path=/engine.io", kNow);
  EXPECT_EQ(jar.header_for("h", "/engine.io/", false, kNow), "b=2; a=1");
  EXPECT_EQ(jar.header_for("h", "/engine.iox", false, kNow), "a=1");  // path-match needs a '/' boundary
}

TEST(CookieJar, LongerPathsFirstOtherwiseInStorageOrder) {
  CookieJar jar;
  for (const char* line : {"a=1; Path=/", "b=2; Path=/x/y", "c=3; Path=/x", "d=4; Path=/", "e=5; Path=/x/y"})
    jar.set_cookie("h", "/", line, kNow);
  EXPECT_EQ(jar.header_for("h", "/x/y/z", false, kNow), "b=2; e=5; c=3; a=1; d=4");
}

TEST(CookieJar, AFullJarDropsItsOldestCookie) {
  CookieJar jar;
  for (int i = 0; i < 1000; ++i) jar.set_cookie("h", "/", "c" + std::to_string(i) + "=v; Path=/", kNow);
  EXPECT_EQ(jar.size(), CookieJar::kMaxCookies);
  const std::string header = jar.header_for("h", "/", false, kNow);
  EXPECT_EQ(header.find("c0="), std::string::npos);
  EXPECT_EQ(header.rfind("c999=v"), header.size() - 6);
  EXPECT_EQ(jar.cookies().front().name, "c" + std::to_string(1000 - CookieJar::kMaxCookies));
}

TEST(CookieJar, AFullJarDropsItsExpiredCookiesBeforeItsOldest) {
  CookieJar jar;
  jar.set_cookie("h", "/", "sticky=1", kNow);
  jar.set_cookie("h", "/", "brief=1; Max-Age=10", kNow);
  for (std::size_t i = 2; i < CookieJar::kMaxCookies; ++i) jar.set_cookie("h", "/", "c" + std::to_string(i) + "=v", kNow);
  ASSERT_EQ(jar.size(), CookieJar::kMaxCookies);
  const auto later = kNow + std::chrono::seconds(20);
  jar.set_cookie("h", "/", "late=1", later);
  EXPECT_EQ(jar.size(), CookieJar::kMaxCookies);
  EXPECT_EQ(jar.cookies().front().name, "sticky") << "the expired cookie made room";
  EXPECT_EQ(jar.cookies().back().name, "late");
}

TEST(CookieJar, DefaultPathIsTheRequestDirectory) {
  CookieJar jar;
  jar.set_cookie("h", "/socket.io/?EIO=4&transport=polling", "io=x", kNow);
  ASSERT_EQ(jar.size(), 1u);
  EXPECT_EQ(jar.cookies()[0].path, "/socket.io");
  EXPECT_EQ(jar.header_for("h", "/socket.io/", false, kNow), "io=x");
  EXPECT_EQ(jar.header_for("h", "/", false, kNow), "");
  jar.set_cookie("h", "/top", "t=1; Path=relative", kNow);  // not starting with '/': default-path
  EXPECT_EQ(jar.cookies()[1].path, "/");
}

TEST(CookieJar, SameNameAndPathReplaces) {
  CookieJar jar;
  jar.set_cookie("h", "/", "s=1; Path=/", kNow);
  jar.set_cookie("h", "/", "s=2; Path=/", kNow);
  EXPECT_EQ(jar.size(), 1u);
  EXPECT_EQ(jar.header_for("h", "/", false, kNow), "s=2");
}

TEST(CookieJar, MaxAgeExpiresAndZeroDeletes) {
  CookieJar jar;
  jar.set_cookie("h", "/", "s=1; Max-Age=60", kNow);
  EXPECT_EQ(jar.header_for("h", "/", false, kNow + 59s), "s=1");
  EXPECT_EQ(jar.header_for("h", "/", false, kNow + 61s), "");
  jar.set_cookie("h", "/", "s=1; Max-Age=0", kNow);
  EXPECT_EQ(jar.size(), 0u);
  jar.set_cookie("h", "/", "s=1; Max-Age=-5", kNow);
  EXPECT_EQ(jar.size(), 0u);
  jar.set_cookie("h", "/", "s=1; Max-Age=abc", kNow);  // ignored attribute: a session cookie
  ASSERT_EQ(jar.size(), 1u);
  EXPECT_FALSE(jar.cookies()[0].expires.has_value());
}

TEST(CookieJar, ExpiresDateAndMaxAgeWins) {
  CookieJar jar;
  jar.set_cookie("h", "/", "old=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", kNow);
  EXPECT_EQ(jar.size(), 0u);  // in the past: nothing stored
  jar.set_cookie("h", "/", "new=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT", kNow);
  EXPECT_EQ(jar.header_for("h", "/", false, kNow), "new=1");
  jar.set_cookie("h", "/", "both=1; Max-Age=10; Expires=Wed, 21 Oct 2015 07:28:00 GMT", kNow);
  EXPECT_EQ(jar.header_for("h", "/", false, kNow), "new=1; both=1");
}

// RFC 6265bis §5.6.1-2: a cookie lives 400 days at most, however far its Max-Age
// or Expires reaches (year 9999 is past what the clock holds).
TEST(CookieJar, LifetimeIsCappedAt400Days) {
  constexpr auto k400Days = std::chrono::hours(400 * 24);
  for (const char* line : {"a=1; Max-Age=99999999999999999999", "a=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT",
                           "a=1; Max-Age=34560001"}) {
    CookieJar jar;
    jar.set_cookie("h", "/", line, kNow);
    ASSERT_EQ(jar.size(), 1u) << line;
    EXPECT_EQ(jar.cookies()[0].expires, kNow + k400Days) << line;
  }
  CookieJar jar;
  jar.set_cookie("h", "/", "a=1; Max-Age=3600", kNow);
  EXPECT_EQ(jar.cookies()[0].expires, kNow + 1h);
}

TEST(CookieJar, SecureOnlyOverTls) {
  CookieJar jar;
  jar.set_cookie("h", "/", "s=1; Secure; HttpOnly", kNow);
  EXPECT_EQ(jar.header_for("h", "/", false, kNow), "");
  EXPECT_EQ(jar.header_for("h", "/", true, kNow), "s=1");
}

TEST(CookieJar, MalformedLinesIgnored) {
  CookieJar jar;
  jar.set_cookie("h", "/", "no-equals-sign", kNow);
  jar.set_cookie("h", "/", "=value", kNow);
  jar.set_cookie("h", "/", "", kNow);
  EXPECT_EQ(jar.size(), 0u);
  jar.set_cookie("h", "/", " spaced = v ; path = /", kNow);
  EXPECT_EQ(jar.header_for("h", "/", false, kNow), "spaced=v");
}

// RFC 6265bis §5.7: a control character anywhere (HTAB aside) drops the whole line,
// so a Cookie header never carries one (the fuzz target found a NUL sent back).
TEST(CookieJar, LinesWithControlCharactersIgnored) {
  CookieJar jar;
  using std::string_literals::operator""s;
  for (const std::string& line : {"a\0b=1"s, "c=1\0"s, "d=1\r\nX-Injected: 1"s, "e=\x7f"s, "f=1; Path=/\x01"s})
    jar.set_cookie("h", "/", line, kNow);
  EXPECT_EQ(jar.size(), 0u);
  jar.set_cookie("h", "/", "g=a\tb", kNow);  // HTAB is allowed
  EXPECT_EQ(jar.header_for("h", "/", false, kNow), "g=a\tb");
}

TEST(CookieJar, StoreReadsEverySetCookieHeader) {
  CookieJar jar;
  jar.store("h", "/engine.io/", {{"Content-Type", "text/plain"}, {"Set-Cookie", "a=1; Path=/"},
                                  {"set-cookie", "b=2; Path=/"}}, kNow);
  EXPECT_EQ(jar.header_for("h", "/engine.io/", false, kNow), "a=1; b=2");
}

TEST(CookieDate, Rfc6265Forms) {
  const auto expected = WallClock::time_point(std::chrono::seconds(1445412480));  // 2015-10-21 07:28:00 UTC
  EXPECT_EQ(parse_cookie_date("Wed, 21 Oct 2015 07:28:00 GMT"), expected);
  EXPECT_EQ(parse_cookie_date("Wednesday, 21-Oct-15 07:28:00 GMT"), expected);  // RFC 850, 2-digit year
  EXPECT_EQ(parse_cookie_date("Wed Oct 21 07:28:00 2015"), expected);           // asctime
  EXPECT_EQ(parse_cookie_date("Thu, 01 Jan 1970 00:00:00 GMT"), WallClock::time_point{});
  EXPECT_FALSE(parse_cookie_date("not a date"));
  EXPECT_FALSE(parse_cookie_date("Wed, 32 Oct 2015 07:28:00 GMT"));
  EXPECT_FALSE(parse_cookie_date("Wed, 21 Oct 2015 25:28:00 GMT"));
  EXPECT_FALSE(parse_cookie_date("Wed, 21 Foo 2015 07:28:00 GMT"));
  EXPECT_FALSE(parse_cookie_date("Wed, 21 Oct 1500 07:28:00 GMT"));
  // Dates the clock cannot hold clamp to its ends instead of overflowing.
  EXPECT_EQ(parse_cookie_date("Fri, 31 Dec 9999 23:59:59 GMT"), WallClock::time_point::max());
  EXPECT_EQ(parse_cookie_date("Mon, 01 Jan 1601 00:00:00 GMT"), WallClock::time_point::min());
}

}  // namespace
}  // namespace twinsock::eio
