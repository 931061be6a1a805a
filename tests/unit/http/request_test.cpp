#include <gtest/gtest.h>

#include "codec/http/message.hpp"
#include "codec/http/request.hpp"
#include "twinsock/error.hpp"

namespace twinsock::http {
namespace {

TEST(WriteRequest, SerializesInOrder) {
  Request req;
  req.method = "POST";
  req.target = "/socket.io/?EIO=4&transport=polling&sid=abc";
  req.headers = {{"Host", "h:3000"}, {"Content-Type", "text/plain;charset=UTF-8"}};
  req.body = "40";
  std::string out = "prefix|";
  ASSERT_FALSE(write_request(req, out));
  EXPECT_EQ(out,
            "prefix|POST /socket.io/?EIO=4&transport=polling&sid=abc HTTP/1.1\r\nHost: h:3000\r\n"
            "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 2\r\n\r\n40");
}

TEST(WriteRequest, ContentLengthOnlyWhenNeeded) {
  Request req;
  req.headers = {{"Host", "h"}};
  std::string out;
  ASSERT_FALSE(write_request(req, out));
  EXPECT_EQ(out, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  req.body = "abc";
  req.headers.push_back({"content-length", "3"});
  out.clear();
  ASSERT_FALSE(write_request(req, out));
  EXPECT_EQ(out, "GET / HTTP/1.1\r\nHost: h\r\ncontent-length: 3\r\n\r\nabc");
}

TEST(WriteRequest, RefusesInjection) {
  auto refused = [](Request req) {
    std::string out;
    const std::error_code ec = write_request(req, out);
    EXPECT_TRUE(out.empty());
    return ec == errc::http_invalid_request;
  };
  Request base;
  base.headers = {{"Host", "h"}};
  Request r = base;
  r.method = "GET\r\nX";
  EXPECT_TRUE(refused(r));
  r = base;
  r.method = "GE T";
  EXPECT_TRUE(refused(r));
  r = base;
  r.method = "";
  EXPECT_TRUE(refused(r));
  r = base;
  r.target = "/a\r\nInjected: 1";
  EXPECT_TRUE(refused(r));
  r = base;
  r.target = "/a b";
  EXPECT_TRUE(refused(r));
  r = base;
  r.target = "";
  EXPECT_TRUE(refused(r));
  r = base;
  r.target = std::string("/a\0b", 4);
  EXPECT_TRUE(refused(r));
  r = base;
  r.headers.push_back({"X-A", "v\nInjected: 1"});
  EXPECT_TRUE(refused(r));
  r = base;
  r.headers.push_back({"X-A", "v\r"});
  EXPECT_TRUE(refused(r));
  r = base;
  r.headers.push_back({"X-A", std::string("v\0", 2)});
  EXPECT_TRUE(refused(r));
  r = base;
  r.headers.push_back({"X A", "v"});
  EXPECT_TRUE(refused(r));
  r = base;
  r.headers.push_back({"X-A:", "v"});
  EXPECT_TRUE(refused(r));
  r = base;
  r.headers.push_back({"", "v"});
  EXPECT_TRUE(refused(r));
  r = base;
  r.headers.push_back({"X-\r\n", "v"});
  EXPECT_TRUE(refused(r));
}

TEST(BasicAuth, Rfc7617Example) {  // RFC 7617 §2
  EXPECT_EQ(basic_auth("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_auth("", ""), "Basic Og==");
}

TEST(Message, TokensAndLists) {
  EXPECT_TRUE(is_token("permessage-deflate"));
  EXPECT_TRUE(is_token("!#$%&'*+-.^_`|~09azAZ"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("a,b"));
  EXPECT_FALSE(is_token("\"a\""));
  EXPECT_TRUE(iequals("Upgrade", "uPGRADE"));
  EXPECT_FALSE(iequals("Upgrade", "Upgrades"));
  const Headers h = {{"Connection", "keep-alive , Upgrade"}, {"connection", ",,close"}, {"X", "1"}};
  EXPECT_EQ(header_list(h, "CONNECTION"), (std::vector<std::string_view>{"keep-alive", "Upgrade", "close"}));
  EXPECT_TRUE(header_has_token(h, "connection", "upgrade"));
  EXPECT_FALSE(header_has_token(h, "connection", "upgrad"));
  EXPECT_EQ(trim_ows(" \t a b \t"), "a b");
}

}  // namespace
}  // namespace twinsock::http
