#include <gtest/gtest.h>

#include <string>

#include "codec/url/host.hpp"
#include "codec/url/url.hpp"
#include "twinsock/error.hpp"

namespace twinsock::url {
namespace {

Url ok(std::string_view text) {
  Url u;
  const std::error_code ec = parse(text, u);
  EXPECT_FALSE(ec) << text << ": " << error_id(ec);
  return u;
}

std::string_view err(std::string_view text, const UrlLimits& limits = {}) {
  Url u;
  return error_id(parse(text, u, limits));
}

TEST(UrlParse, SchemesAndDefaultPorts) {
  EXPECT_EQ(ok("ws://h").port, 80);
  EXPECT_EQ(ok("wss://h").port, 443);
  EXPECT_EQ(ok("http://h").port, 80);
  EXPECT_EQ(ok("https://h").port, 443);
  const Url u = ok("HTTPS://EXAMPLE.com");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "example.com");
  EXPECT_TRUE(u.secure());
  EXPECT_TRUE(u.has_default_port());
  EXPECT_FALSE(ok("ws://h").secure());
}

TEST(UrlParse, FullUrl) {
  const Url u = ok("wss://user:p%40ss@Example.COM:8443/a/b?x=1&y=2#frag");
  EXPECT_EQ(u.scheme, "wss");
  EXPECT_EQ(u.username, "user");
  EXPECT_EQ(u.password, "p%40ss");
  EXPECT_EQ(u.decoded_password(), "p@ss");
  EXPECT_EQ(u.host, "example.com");
  EXPECT_EQ(u.host_kind, HostKind::name);
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.path, "/a/b");
  EXPECT_EQ(u.query, "x=1&y=2");
  EXPECT_EQ(u.target(), "/a/b?x=1&y=2");
  EXPECT_EQ(u.host_for_header(), "example.com:8443");
  EXPECT_EQ(u.origin(), "wss://example.com:8443");
  EXPECT_EQ(u.href(), "wss://user:p%40ss@example.com:8443/a/b?x=1&y=2");
}

TEST(UrlParse, PortRules) {
  EXPECT_EQ(ok("http://h:65535/").port, 65535);
  EXPECT_EQ(ok("http://h:1").port, 1);
  EXPECT_EQ(ok("http://h:/").port, 80);      // empty port = default, as browsers
  EXPECT_EQ(ok("https://h:0443").port, 443);  // leading zeros
  EXPECT_EQ(ok("http://h:80").host_for_header(), "h");
  EXPECT_EQ(ok("https://h:80").host_for_header(), "h:80");
  EXPECT_EQ(err("http://h:0"), "TWINSOCK_ERR_URL_BAD_PORT");
  EXPECT_EQ(err("http://h:65536"), "TWINSOCK_ERR_URL_BAD_PORT");
  EXPECT_EQ(err("http://h:99999999999999999999"), "TWINSOCK_ERR_URL_BAD_PORT");
  EXPECT_EQ(err("http://h:8a"), "TWINSOCK_ERR_URL_BAD_PORT");
  EXPECT_EQ(err("http://h:-1"), "TWINSOCK_ERR_URL_BAD_PORT");
  EXPECT_EQ(err("http://h:1:2"), "TWINSOCK_ERR_URL_BAD_PORT");
}

TEST(UrlParse, SchemeErrors) {
  EXPECT_EQ(err("ftp://h"), "TWINSOCK_ERR_URL_BAD_SCHEME");
  EXPECT_EQ(err("example.com"), "TWINSOCK_ERR_URL_BAD_SCHEME");
  EXPECT_EQ(err("://h"), "TWINSOCK_ERR_URL_BAD_SCHEME");
  EXPECT_EQ(err("wsx://h"), "TWINSOCK_ERR_URL_BAD_SCHEME");
  EXPECT_EQ(err("http:h"), "TWINSOCK_ERR_URL_BAD_HOST");
  EXPECT_EQ(err("http:/h"), "TWINSOCK_ERR_URL_BAD_HOST");
}

TEST(UrlParse, EmptyTooLongAndBadCharacters) {
  EXPECT_EQ(err(""), "TWINSOCK_ERR_URL_EMPTY");
  EXPECT_EQ(err("http://h/abc", UrlLimits{.max_length = 11}), "TWINSOCK_ERR_URL_TOO_LONG");
  Url u;
  EXPECT_FALSE(parse("http://h/abc", u, UrlLimits{.max_length = 12}));
  EXPECT_EQ(err("http://h/a\tb"), "TWINSOCK_ERR_URL_BAD_CHARACTER");
  EXPECT_EQ(err("http://h/a\nb"), "TWINSOCK_ERR_URL_BAD_CHARACTER");
  EXPECT_EQ(err(std::string_view("http://h/\0", 10)), "TWINSOCK_ERR_URL_BAD_CHARACTER");
  EXPECT_EQ(err("http://h/\x7f"), "TWINSOCK_ERR_URL_BAD_CHARACTER");
  EXPECT_EQ(err("http://h/\xff"), "TWINSOCK_ERR_URL_BAD_CHARACTER");  // invalid UTF-8
  EXPECT_EQ(err(" http://h/"), "TWINSOCK_ERR_URL_BAD_SCHEME");
}

TEST(UrlParse, PathEncodingLikeBrowsers) {
  EXPECT_EQ(ok("http://h").path, "/");
  EXPECT_EQ(ok("http://h?x").path, "/");
  EXPECT_EQ(ok("http://h/a b").path, "/a%20b");
  EXPECT_EQ(ok("http://h/\"<>`{}").path, "/%22%3C%3E%60%7B%7D");
  EXPECT_EQ(ok("http://h/caf\xc3\xa9").path, "/caf%C3%A9");
  EXPECT_EQ(ok("http://h/a%2fb").path, "/a%2fb");  // escapes kept as written
  EXPECT_EQ(ok("http://h/a\\b").path, "/a/b");     // backslash is a slash
  EXPECT_EQ(ok("http://h/!$&'()*+,;=:@").path, "/!$&'()*+,;=:@");
  EXPECT_EQ(err("http://h/%zz"), "TWINSOCK_ERR_URL_BAD_PERCENT_ENCODING");
  EXPECT_EQ(err("http://h/%4"), "TWINSOCK_ERR_URL_BAD_PERCENT_ENCODING");
  EXPECT_EQ(err("http://h/%"), "TWINSOCK_ERR_URL_BAD_PERCENT_ENCODING");
}

TEST(UrlParse, DotSegments) {
  EXPECT_EQ(ok("http://h/a/b/../c").path, "/a/c");
  EXPECT_EQ(ok("http://h/a/./b").path, "/a/b");
  EXPECT_EQ(ok("http://h/a/b/..").path, "/a/");
  EXPECT_EQ(ok("http://h/a/.").path, "/a/");
  EXPECT_EQ(ok("http://h/../../x").path, "/x");
  EXPECT_EQ(ok("http://h/a/%2e%2E/b").path, "/b");
  EXPECT_EQ(ok("http://h/a/.%2e/b").path, "/b");
  EXPECT_EQ(ok("http://h/a/%2e./b").path, "/b");
  EXPECT_EQ(ok("http://h/a/%2E/b").path, "/a/b");
  EXPECT_EQ(ok("http://h/a/...").path, "/a/...");
  EXPECT_EQ(ok("http://h//a").path, "//a");
}

TEST(UrlParse, QueryAndFragment) {
  EXPECT_EQ(ok("http://h/?").query, "");
  EXPECT_EQ(ok("http://h/?").target(), "/");
  EXPECT_EQ(ok("http://h/?a b='c'").query, "a%20b=%27c%27");
  EXPECT_EQ(ok("http://h/?a?b/c").query, "a?b/c");
  EXPECT_EQ(ok("http://h/p#x?y").query, "");
  EXPECT_EQ(ok("http://h/p?q#x").query, "q");
  EXPECT_EQ(ok("http://h#f").path, "/");
  EXPECT_EQ(err("http://h/?a=%g0"), "TWINSOCK_ERR_URL_BAD_PERCENT_ENCODING");
  EXPECT_EQ(ok("http://h/#%zz").path, "/");  // the fragment is dropped unparsed
}

TEST(UrlParse, Userinfo) {
  Url u = ok("http://a%20b:c%3Ad@h/");
  EXPECT_EQ(u.decoded_username(), "a b");
  EXPECT_EQ(u.decoded_password(), "c:d");
  EXPECT_TRUE(u.has_userinfo());
  u = ok("http://user@h/");
  EXPECT_EQ(u.username, "user");
  EXPECT_EQ(u.password, "");
  EXPECT_EQ(u.href(), "http://user@h/");
  u = ok("http://a@b@h/");  // the last '@' ends the userinfo
  EXPECT_EQ(u.username, "a%40b");
  EXPECT_EQ(u.host, "h");
  u = ok("http://us er:p w@h/");
  EXPECT_EQ(u.username, "us%20er");
  EXPECT_EQ(u.password, "p%20w");
  EXPECT_FALSE(ok("http://@h/").has_userinfo());
  EXPECT_EQ(err("http://a%zz@h/"), "TWINSOCK_ERR_URL_BAD_PERCENT_ENCODING");
  EXPECT_EQ(err("http://a:%zz@h/"), "TWINSOCK_ERR_URL_BAD_PERCENT_ENCODING");
  EXPECT_EQ(err("http://user@/"), "TWINSOCK_ERR_URL_BAD_HOST");
}

TEST(UrlHost, RegisteredNames) {
  EXPECT_EQ(ok("http://ExAmPle.CoM.").host, "example.com.");
  EXPECT_EQ(ok("http://my_host-1.local").host, "my_host-1.local");
  EXPECT_EQ(ok("http://%41bc").host, "abc");  // percent-decoded, then lowercased
  EXPECT_EQ(err("http:///x"), "TWINSOCK_ERR_URL_BAD_HOST");
  EXPECT_EQ(err("http://h%20x/"), "TWINSOCK_ERR_URL_BAD_HOST");
  EXPECT_EQ(err("http://h<x/"), "TWINSOCK_ERR_URL_BAD_HOST");
  EXPECT_EQ(err("http://h%zz/"), "TWINSOCK_ERR_URL_BAD_PERCENT_ENCODING");
  EXPECT_EQ(err("http://caf\xc3\xa9.fr/"), "TWINSOCK_ERR_URL_BAD_HOST");  // IDN: punycode only
  EXPECT_EQ(err("http://:80/"), "TWINSOCK_ERR_URL_BAD_HOST");
}

TEST(UrlHost, Ipv4) {
  Url u = ok("http://127.0.0.1:3000/");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.host_kind, HostKind::ipv4);
  EXPECT_EQ(ok("http://1.2.3.4./").host, "1.2.3.4");
  EXPECT_EQ(ok("http://255.255.255.255").host, "255.255.255.255");
  // Browsers read these as IPv4 shorthands; they are ambiguous, so refused.
  for (const char* bad : {"http://127.1/", "http://0x7f.0.0.1/", "http://010.0.0.1/", "http://1.2.3.256/",
                          "http://1.2.3.4.5/", "http://a.b.0x10/", "http://1..2.3/", "http://123/"})
    EXPECT_EQ(err(bad), "TWINSOCK_ERR_URL_BAD_HOST") << bad;
  EXPECT_EQ(ok("http://1.2.3.a/").host_kind, HostKind::name);
  EXPECT_EQ(ok("http://0xg/").host_kind, HostKind::name);
}

TEST(UrlHost, Ipv6) {
  Url u = ok("http://[::1]:8080/");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.host_kind, HostKind::ipv6);
  EXPECT_EQ(u.host_for_header(), "[::1]:8080");
  EXPECT_EQ(u.origin(), "http://[::1]:8080");
  EXPECT_EQ(ok("ws://[::1]/").host_for_header(), "[::1]");
  EXPECT_EQ(ok("http://[2001:DB8:0:0:0:0:0:1]/").host, "2001:db8::1");
  EXPECT_EQ(ok("http://[2001:db8:0:0:1:0:0:1]/").host, "2001:db8::1:0:0:1");  // first longest run
  EXPECT_EQ(ok("http://[2001:0db8:0000:0001:0001:0001:0001:0001]/").host, "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(ok("http://[::ffff:192.0.2.1]/").host, "::ffff:c000:201");
  EXPECT_EQ(ok("http://[1::]/").host, "1::");
  EXPECT_EQ(ok("http://[::]/").host, "::");
  EXPECT_EQ(ok("http://[1:2:3:4:5:6:7::]/").host, "1:2:3:4:5:6:7:0");
  for (const char* bad : {"http://[::1/", "http://[fe80::1%25eth0]/", "http://[1:2:3:4:5:6:7:8:9]/",
                          "http://[1::2::3]/", "http://[12345::]/", "http://[:1]/", "http://[1:]/",
                          "http://[g::]/", "http://[::1]x/", "http://[]/", "http://[1:2:3:4:5:6:7:8::]/",
                          "http://[::1.2.3]/", "http://[1:2:3:4:5:6:7:1.2.3.4]/", "http://[::1:::]/"})
    EXPECT_EQ(err(bad), "TWINSOCK_ERR_URL_BAD_HOST") << bad;
  std::string out;
  EXPECT_TRUE(parse_ipv6("1:2:3:4:5:6:1.2.3.4", out));
  EXPECT_EQ(out, "1:2:3:4:5:6:102:304");
}

TEST(UrlHelpers, SchemeConversions) {
  EXPECT_EQ(ok("http://h:3000/x?y").with_websocket_scheme().href(), "ws://h:3000/x?y");
  EXPECT_EQ(ok("https://h/").with_websocket_scheme().href(), "wss://h/");
  EXPECT_EQ(ok("ws://h/").with_websocket_scheme().scheme, "ws");
  EXPECT_EQ(ok("wss://h/").with_http_scheme().href(), "https://h/");
  EXPECT_EQ(ok("ws://h:81/").with_http_scheme().href(), "http://h:81/");
  EXPECT_EQ(ok("https://h/").with_http_scheme().scheme, "https");
}

TEST(UrlHelpers, HandBuiltUrlsStaySafe) {
  Url u;
  u.scheme = "http";
  u.host = "h";
  u.port = 80;
  u.path = "";
  u.username = "%zz";  // not produced by parse(): returned unchanged
  EXPECT_EQ(u.target(), "/");
  EXPECT_EQ(u.decoded_username(), "%zz");
}

}  // namespace
}  // namespace twinsock::url
