#include <gtest/gtest.h>

#include "collect.hpp"
#include "codec/http/response_parser.hpp"

namespace twinsock::http {
namespace {

using test::collect;
using test::Seen;

TEST(ResponseParser, ContentLengthBody) {
  const Seen s = collect("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello");
  ASSERT_EQ(s.heads.size(), 1u);
  EXPECT_EQ(s.heads[0].status, 200);
  EXPECT_EQ(s.heads[0].reason, "OK");
  EXPECT_EQ(s.heads[0].version_minor, 1);
  ASSERT_EQ(s.heads[0].headers.size(), 2u);
  EXPECT_EQ(s.heads[0].headers[1], (Header{"X-A", "1"}));
  EXPECT_EQ(s.bodies[0], "hello");
  EXPECT_EQ(s.messages, 1u);
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(s.error, "");
}

TEST(ResponseParser, AnySplitGivesTheSameResult) {
  const std::string text =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
      "HTTP/1.1 204 No Content\r\n\r\n";
  const Seen whole = collect(text);
  ASSERT_EQ(whole.messages, 2u);
  EXPECT_EQ(whole.bodies[0], "hello world");
  for (std::size_t at = 1; at < text.size(); ++at) {
    for (std::size_t at2 = at; at2 < text.size(); at2 += 7) {
      ResponseParser p;
      const Seen s = collect(p, {text.substr(0, at), text.substr(at, at2 - at), text.substr(at2)});
      ASSERT_EQ(s.messages, 2u) << at;
      EXPECT_EQ(s.bodies, whole.bodies);
      EXPECT_EQ(s.trailers, whole.trailers);
      EXPECT_TRUE(s.closed);
    }
  }
}

TEST(ResponseParser, BodyIsStreamedNotAccumulated) {
  ResponseParser p;
  std::vector<std::string> chunks = {"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"};
  for (int i = 0; i < 100; ++i) chunks.push_back("data: x\n\n");
  const Seen s = collect(p, chunks, false);
  EXPECT_EQ(s.body_events, 100u);
  EXPECT_EQ(p.body_kind(), BodyKind::until_close);
  EXPECT_FALSE(s.closed);
  EXPECT_EQ(s.messages, 0u);
}

TEST(ResponseParser, CloseDelimitedBodyEndsAtEof) {
  const Seen s = collect("HTTP/1.0 200 OK\r\n\r\nabc");
  EXPECT_EQ(s.bodies[0], "abc");
  EXPECT_EQ(s.messages, 1u);
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(s.heads[0].version_minor, 0);
}

TEST(ResponseParser, KeepAliveLeftoverStartsNextResponse) {
  ResponseParser p;
  const Seen s = collect(p,
                         {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
                          "4ab"},
                         false);
  EXPECT_EQ(s.messages, 2u);
  EXPECT_EQ(s.bodies, (std::vector<std::string>{"ok", "4ab"}));
  EXPECT_FALSE(s.closed);
  // still usable for a third response
  const Seen t = collect(p, {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"});
  EXPECT_EQ(t.messages, 1u);
  EXPECT_TRUE(t.closed);
}

TEST(ResponseParser, NoBodyStatusesAndHead) {
  for (const char* text : {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
                           "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
                           "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"}) {
    const Seen s = collect(text);
    EXPECT_EQ(s.messages, 1u) << text;
    EXPECT_EQ(s.bodies[0], "") << text;
    EXPECT_TRUE(s.closed) << text;
  }
  // HEAD: the Content-Length describes a body that is not sent
  const Seen s = collect("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
                         true, {}, true);
  EXPECT_EQ(s.messages, 2u);
  EXPECT_EQ(s.bodies, (std::vector<std::string>{"", "x"}));  // the HEAD flag lasts one message
  const Seen interim = collect("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true, {}, true);
  EXPECT_EQ(interim.messages, 2u);  // ... but survives an interim 1xx
  EXPECT_TRUE(interim.closed);
}

TEST(ResponseParser, InterimResponseThenFinal) {
  const Seen s = collect("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
  ASSERT_EQ(s.heads.size(), 2u);
  EXPECT_EQ(s.heads[0].status, 100);
  EXPECT_EQ(s.heads[1].status, 200);
  EXPECT_EQ(s.bodies[1], "x");
}

TEST(ResponseParser, UpgradeStopsAfterHead) {
  const std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
  for (std::size_t at = 1; at <= head.size(); ++at) {
    ResponseParser p;
    ASSERT_FALSE(p.feed(as_bytes(std::string_view(head).substr(0, at))));
    Event ev = p.next();
    if (at < head.size()) {
      ASSERT_EQ(ev.kind, EventKind::need_data);
      const std::string rest = head.substr(at) + "\x81\x02hi";
      ASSERT_FALSE(p.feed(as_bytes(rest)));
      ev = p.next();
      ASSERT_EQ(ev.kind, EventKind::upgrade);
      EXPECT_EQ(ev.consumed, head.size() - at);
      EXPECT_EQ(std::string(as_text(p.unconsumed())), "\x81\x02hi");
    } else {
      ASSERT_EQ(ev.kind, EventKind::upgrade);
      EXPECT_EQ(ev.consumed, head.size());
      EXPECT_TRUE(p.unconsumed().empty());
    }
    EXPECT_EQ(p.head().status, 101);
    EXPECT_EQ(p.next().kind, EventKind::upgrade);  // sticky
    EXPECT_EQ(p.feed(as_bytes("x")), errc::invalid_state);
  }
}

TEST(ResponseParser, HeadersLookupAndDuplicates) {
  const Seen s = collect("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Empty:\r\nX-Sp:  v  \r\n"
                         "Content-Length: 0\r\n\r\n");
  const Headers& h = s.heads[0].headers;
  EXPECT_EQ(count_headers(h, "SET-COOKIE"), 2u);
  ASSERT_NE(find_header(h, "x-empty"), nullptr);
  EXPECT_EQ(*find_header(h, "x-empty"), "");
  EXPECT_EQ(*find_header(h, "x-sp"), "v");
  EXPECT_EQ(find_header(h, "missing"), nullptr);
}

TEST(ResponseParser, BareLfLineEndingsAccepted) {  // RFC 9112 §2.2 MAY
  const Seen s = collect("HTTP/1.1 200 OK\nContent-Length: 2\n\nok");
  EXPECT_EQ(s.bodies[0], "ok");
  EXPECT_EQ(s.messages, 1u);
}

TEST(ResponseParser, StatusLineVariants) {
  EXPECT_EQ(collect("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").heads[0].reason, "");
  EXPECT_EQ(collect("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n").heads[0].reason, "");
  EXPECT_EQ(collect("HTTP/1.1 404 Not  Found \xe9\r\nContent-Length: 0\r\n\r\n").heads[0].reason, "Not  Found \xe9");
  for (const char* bad : {"HTTP/2.0 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
                          "HTTP/1.1 099 OK\r\n\r\n", "HTTP/1.1 600 OK\r\n\r\n", "http/1.1 200 OK\r\n\r\n",
                          "HTTP/1.1  200 OK\r\n\r\n", "HTTP/1.1 200 O\x01K\r\n\r\n", "HTTP/1.1 200 O\rK\r\n\r\n",
                          "\r\nHTTP/1.1 200 OK\r\n\r\n", "ICY 200 OK\r\n\r\n", "HTTP/1.x 200 OK\r\n\r\n"})
    EXPECT_EQ(collect(bad).error, "TWINSOCK_ERR_HTTP_BAD_STATUS_LINE") << bad;
}

TEST(ResponseParser, BadHeaderLines) {
  for (const char* bad : {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "HTTP/1.1 200 OK\r\nName : v\r\n\r\n",
                          "HTTP/1.1 200 OK\r\n: v\r\n\r\n", "HTTP/1.1 200 OK\r\nNa(me: v\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",
                          "HTTP/1.1 200 OK\r\n lead: v\r\n\r\n", "HTTP/1.1 200 OK\r\nA: b\x7f\r\n\r\n"})
    EXPECT_EQ(collect(bad).error, "TWINSOCK_ERR_HTTP_BAD_HEADER") << bad;
  std::string nul = "HTTP/1.1 200 OK\r\nA: b";
  nul += '\0';
  nul += "\r\n\r\n";
  EXPECT_EQ(collect(nul).error, "TWINSOCK_ERR_HTTP_BAD_HEADER");
}

// The headers of the only response in `text`.
Headers head_of(const std::string& text) {
  const Seen s = collect(text);
  EXPECT_EQ(s.error, "") << text;
  return s.heads.empty() ? Headers{} : s.heads[0].headers;
}

TEST(ResponseParser, ObsoleteLineFoldingIsUnfoldedIntoOneSpace) {  // RFC 9112 §5.2, a user agent's MUST
  EXPECT_EQ(head_of("HTTP/1.1 200 OK\r\nA: b\r\n  c\r\n\td \r\nE: f\r\n\r\n"),
            (Headers{{"A", "b c d"}, {"E", "f"}}));
  EXPECT_EQ(head_of("HTTP/1.1 200 OK\r\nA:\r\n c\r\n \r\n\r\n"), (Headers{{"A", "c"}}));
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\n folded\r\n\r\n").error, "TWINSOCK_ERR_HTTP_BAD_HEADER");  // nothing to continue
  std::string nul = "HTTP/1.1 200 OK\r\nA: b\r\n c";
  nul += '\0';
  nul += "\r\n\r\n";
  EXPECT_EQ(collect(nul).error, "TWINSOCK_ERR_HTTP_BAD_HEADER");
}

TEST(ResponseParser, ContentLengthRules) {
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc").bodies[0], "abc");
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc").bodies[0], "abc");
  for (const char* bad :
       {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0x3\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 3,\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n"})
    EXPECT_EQ(collect(bad).error, "TWINSOCK_ERR_HTTP_BAD_CONTENT_LENGTH") << bad;
}

TEST(ResponseParser, TransferEncodingRules) {
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n").messages, 1u);
  for (const char* bad : {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
                          "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\n"})
    EXPECT_EQ(collect(bad).error, "TWINSOCK_ERR_HTTP_BAD_TRANSFER_ENCODING") << bad;
}

TEST(ResponseParser, ChunkedDetails) {
  const Seen s = collect(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "A ; a=1 ; b=\"x;\\\"y\"\r\n0123456789\r\n1\nz\n0;last\r\nT1: a\r\nt2: b\r\n\r\n");
  EXPECT_EQ(s.bodies[0], "0123456789z");
  ASSERT_EQ(s.trailers[0].size(), 2u);
  EXPECT_EQ(s.trailers[0][1], (Header{"t2", "b"}));
  EXPECT_EQ(count_headers(s.heads[0].headers, "t1"), 0u);  // trailers are kept apart
  for (const char* bad : {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"x\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\rx\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n"})
    EXPECT_EQ(collect(bad).error, "TWINSOCK_ERR_HTTP_BAD_CHUNK") << bad;
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n").error,
            "TWINSOCK_ERR_HTTP_BAD_HEADER");
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n c\r\n\r\n").error,
            "TWINSOCK_ERR_HTTP_BAD_HEADER");
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\rc\r\n\r\n").error,
            "TWINSOCK_ERR_HTTP_BAD_HEADER");
}

TEST(ResponseParser, Truncation) {
  for (const char* text :
       {"HTTP/1.1 200 OK\r\nContent-Le", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n", "H"})
    EXPECT_EQ(collect(text).error, "TWINSOCK_ERR_HTTP_TRUNCATED") << text;
  EXPECT_TRUE(collect("").closed);
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", false).error, "");
}

TEST(ResponseParser, Limits) {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";  // 38 bytes
  EXPECT_EQ(collect(head, true, {.max_head_bytes = head.size()}).messages, 1u);
  EXPECT_EQ(collect(head, true, {.max_head_bytes = head.size() - 1}).error, "TWINSOCK_ERR_HTTP_HEADER_TOO_LARGE");
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n", true, {.max_headers = 1}).error,
            "TWINSOCK_ERR_HTTP_TOO_MANY_HEADERS");
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", true, {.max_body_bytes = 10}).error,
            "TWINSOCK_ERR_HTTP_BODY_TOO_LARGE");
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", true, {.max_body_bytes = 10}).messages, 1u);
  const Seen close = collect("HTTP/1.1 200 OK\r\n\r\n0123456789ab", true, {.max_body_bytes = 10});
  EXPECT_EQ(close.bodies[0], "0123456789");  // delivered up to the limit, then the error
  EXPECT_EQ(close.error, "TWINSOCK_ERR_HTTP_BODY_TOO_LARGE");
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\n\r\n0123456789", true, {.max_body_bytes = 10}).messages, 1u);
  EXPECT_EQ(collect("HTTP/1.1 200 OK\r\n\r\n0123456789ab", true, {.max_body_bytes = 0}).bodies[0], "0123456789ab");
  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(collect(chunked + "6\r\nabcdef\r\n5\r\n", true, {.max_body_bytes = 10}).error, "TWINSOCK_ERR_HTTP_BODY_TOO_LARGE");
  EXPECT_EQ(collect(chunked + "6\r\nabcdef\r\n4\r\nabcd\r\n0\r\n\r\n", true, {.max_body_bytes = 10}).messages, 1u);
  EXPECT_EQ(collect(chunked + "5;" + std::string(30, 'x') + "\r\n", true, {.max_chunk_line_bytes = 16}).error,
            "TWINSOCK_ERR_HTTP_CHUNK_LINE_TOO_LONG");
  EXPECT_EQ(collect(chunked + "0\r\nA: " + std::string(30, 'x') + "\r\n\r\n", true, {.max_trailer_bytes = 16}).error,
            "TWINSOCK_ERR_HTTP_TRAILERS_TOO_LARGE");
  EXPECT_EQ(collect(chunked + "0\r\nA: 1\r\nB: 2\r\n\r\n", true, {.max_headers = 1}).error,
            "TWINSOCK_ERR_HTTP_TOO_MANY_HEADERS");
}

TEST(ResponseParser, FeedMisuseAndReset) {
  ResponseParser p;
  ASSERT_FALSE(p.feed(as_bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy")));
  EXPECT_EQ(p.next().kind, EventKind::head);
  EXPECT_EQ(p.content_length(), 1u);
  EXPECT_EQ(p.feed(as_bytes("more")), errc::invalid_state);  // input not consumed yet
  EXPECT_EQ(p.next().kind, EventKind::body);
  EXPECT_EQ(p.next().kind, EventKind::message_end);
  const Event bad = p.next();  // "y" is not a status line, but it is incomplete
  EXPECT_EQ(bad.kind, EventKind::need_data);
  p.finish();
  EXPECT_EQ(p.next().error, errc::http_truncated);
  EXPECT_EQ(p.next().error, errc::http_truncated);  // sticky
  EXPECT_EQ(p.feed(as_bytes("x")), errc::invalid_state);
  p.reset();
  ASSERT_FALSE(p.feed(as_bytes("HTTP/1.1 204 No Content\r\n\r\n")));
  EXPECT_EQ(p.next().kind, EventKind::head);
  EXPECT_EQ(p.body_kind(), BodyKind::none);
  EXPECT_EQ(p.next().kind, EventKind::message_end);
  p.finish();
  EXPECT_EQ(p.feed(as_bytes("x")), errc::invalid_state);
  EXPECT_EQ(p.next().kind, EventKind::closed);
  EXPECT_EQ(p.next().kind, EventKind::closed);
  ResponseParser q;
  ASSERT_FALSE(q.feed(as_bytes("HTTP/1.1 200 OK\r\n\r\nab")));
  q.finish();
  EXPECT_EQ(q.feed(as_bytes("")), errc::invalid_state);
}

}  // namespace
}  // namespace twinsock::http
