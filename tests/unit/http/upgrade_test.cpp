#include <gtest/gtest.h>

#include <cstring>

#include "codec/http/request.hpp"
#include "codec/http/response_parser.hpp"
#include "codec/http/upgrade.hpp"
#include "codec/http/ws_extensions.hpp"
#include "codec/url/url.hpp"
#include "util/base64.hpp"
#include "twinsock/error.hpp"

namespace twinsock::http {
namespace {

// Fills with the bytes of RFC 6455 §1.3's sample nonce "the sample nonce".
class SampleNonce : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override {
    const char* nonce = "the sample nonce";
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(nonce[i % 16]);
  }
};

constexpr const char* kKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr const char* kAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

url::Url parse_url(std::string_view text) {
  url::Url u;
  EXPECT_FALSE(url::parse(text, u));
  return u;
}

ResponseHead response(Headers extra, int status = 101) {
  ResponseHead head;
  head.status = status;
  head.headers = {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Accept", kAccept}};
  head.headers.insert(head.headers.end(), extra.begin(), extra.end());
  return head;
}

std::string_view check(const ResponseHead& head, const UpgradeOptions& options = {}, UpgradeResult* result = nullptr) {
  UpgradeResult local;
  return error_id(validate_upgrade_response(head, kKey, options, result ? *result : local));
}

TEST(Upgrade, AcceptKeyRfc6455Example) { EXPECT_EQ(accept_key(kKey), kAccept); }  // RFC 6455 §1.3

TEST(Upgrade, MakesTheRfcRequest) {
  SampleNonce random;
  UpgradeOptions options;
  options.subprotocols = {"chat", "superchat"};
  options.extra_headers = {{"Origin", "http://example.com"}};
  UpgradeRequest req;
  ASSERT_FALSE(make_upgrade_request(parse_url("ws://server.example.com/chat"), options, random, req));
  EXPECT_EQ(req.key, kKey);
  EXPECT_EQ(req.text,
            "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: chat, superchat\r\nOrigin: http://example.com\r\n\r\n");
  EXPECT_EQ(req.request.method, "GET");
  EXPECT_EQ(req.request.target, "/chat");
}

TEST(Upgrade, KeyIsSixteenRandomBytes) {
  UpgradeRequest a, b;
  ASSERT_FALSE(make_upgrade_request(parse_url("wss://h:8443/x?y=1"), {}, system_random(), a));
  ASSERT_FALSE(make_upgrade_request(parse_url("wss://h:8443/x?y=1"), {}, system_random(), b));
  bytes raw;
  ASSERT_TRUE(base64::decode(a.key, raw));
  EXPECT_EQ(raw.size(), 16u);
  EXPECT_NE(a.key, b.key);
  EXPECT_EQ(*find_header(a.request.headers, "host"), "h:8443");
  EXPECT_EQ(a.request.target, "/x?y=1");
}

TEST(Upgrade, DeflateOfferAndAuth) {
  SampleNonce random;
  UpgradeOptions options;
  options.permessage_deflate = DeflateOffer{};
  UpgradeRequest req;
  ASSERT_FALSE(make_upgrade_request(parse_url("ws://u%20x:p@[::1]:9000/"), options, random, req));
  EXPECT_EQ(*find_header(req.request.headers, "sec-websocket-extensions"), "permessage-deflate; client_max_window_bits");
  EXPECT_EQ(*find_header(req.request.headers, "host"), "[::1]:9000");
  EXPECT_EQ(*find_header(req.request.headers, "authorization"), basic_auth("u x", "p"));
  options.permessage_deflate = DeflateOffer{true, true, 10, true, 12};
  options.extra_headers = {{"Authorization", "Bearer t"}};
  ASSERT_FALSE(make_upgrade_request(parse_url("ws://u:p@h/"), options, random, req));
  EXPECT_EQ(*find_header(req.request.headers, "sec-websocket-extensions"),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
            "server_max_window_bits=10; client_max_window_bits=12");
  EXPECT_EQ(count_headers(req.request.headers, "authorization"), 1u);
  EXPECT_EQ(*find_header(req.request.headers, "authorization"), "Bearer t");
  options.permessage_deflate = DeflateOffer{false, false, 0, false, 0};
  ASSERT_FALSE(make_upgrade_request(parse_url("ws://h/"), options, random, req));
  EXPECT_EQ(*find_header(req.request.headers, "sec-websocket-extensions"), "permessage-deflate");
}

TEST(Upgrade, RequestErrors) {
  SampleNonce random;
  UpgradeRequest req;
  const url::Url u = parse_url("ws://h/");
  for (const char* name : {"Sec-WebSocket-Key", "sec-websocket-version", "Upgrade", "Connection", "Host",
                           "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Content-Length"}) {
    UpgradeOptions o;
    o.extra_headers = {{name, "x"}};
    EXPECT_EQ(make_upgrade_request(u, o, random, req), errc::http_reserved_header) << name;
  }
  UpgradeOptions o;
  o.subprotocols = {"a b"};
  EXPECT_EQ(make_upgrade_request(u, o, random, req), errc::http_invalid_request);
  o.subprotocols = {"a", "a"};
  EXPECT_EQ(make_upgrade_request(u, o, random, req), errc::http_invalid_request);
  o.subprotocols = {};
  o.extra_headers = {{"X-Bad", "a\r\nb"}};
  EXPECT_EQ(make_upgrade_request(u, o, random, req), errc::http_invalid_request);
  o.extra_headers = {};
  o.permessage_deflate = DeflateOffer{false, false, 16, true, 0};
  EXPECT_EQ(make_upgrade_request(u, o, random, req), errc::invalid_argument);
  o.permessage_deflate = DeflateOffer{false, false, 0, true, 7};
  EXPECT_EQ(make_upgrade_request(u, o, random, req), errc::invalid_argument);
}

TEST(Upgrade, ValidResponse) {
  UpgradeResult result;
  EXPECT_EQ(check(response({}), {}, &result), "TWINSOCK_OK");
  EXPECT_EQ(result.status, 101);
  EXPECT_EQ(result.subprotocol, "");
  EXPECT_FALSE(result.permessage_deflate);
  ResponseHead head = response({});
  head.headers[0].value = "WebSocket";
  head.headers[1].value = "keep-alive, upgrade";
  EXPECT_EQ(check(head), "TWINSOCK_OK");
}

TEST(Upgrade, StatusUpgradeConnectionAccept) {
  UpgradeResult result;
  EXPECT_EQ(check(response({}, 200), {}, &result), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_STATUS");
  EXPECT_EQ(result.status, 200);
  ResponseHead head = response({});
  head.headers[0].value = "websocket2";
  EXPECT_EQ(check(head), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_UPGRADE");
  head.headers[0].value = "websocket, h2c";
  EXPECT_EQ(check(head), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_UPGRADE");
  head = response({});
  head.headers.erase(head.headers.begin());
  EXPECT_EQ(check(head), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_UPGRADE");
  head = response({});
  head.headers[1].value = "keep-alive";
  EXPECT_EQ(check(head), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_CONNECTION");
  head = response({});
  head.headers[2].value = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo";
  EXPECT_EQ(check(head), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_ACCEPT");
  EXPECT_EQ(check(response({{"Sec-WebSocket-Accept", kAccept}})), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_ACCEPT");
  head.headers.erase(head.headers.begin() + 2);
  EXPECT_EQ(check(head), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_ACCEPT");
}

TEST(Upgrade, Subprotocols) {
  UpgradeOptions o;
  o.subprotocols = {"chat", "superchat"};
  UpgradeResult result;
  EXPECT_EQ(check(response({{"Sec-WebSocket-Protocol", "superchat"}}), o, &result), "TWINSOCK_OK");
  EXPECT_EQ(result.subprotocol, "superchat");
  EXPECT_EQ(check(response({}), o, &result), "TWINSOCK_OK");  // the server may select none
  EXPECT_EQ(check(response({{"Sec-WebSocket-Protocol", "other"}}), o), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_SUBPROTOCOL");
  EXPECT_EQ(check(response({{"Sec-WebSocket-Protocol", "Chat"}}), o), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_SUBPROTOCOL");
  EXPECT_EQ(check(response({{"Sec-WebSocket-Protocol", "chat, superchat"}}), o),
            "TWINSOCK_ERR_WS_HANDSHAKE_BAD_SUBPROTOCOL");
  EXPECT_EQ(check(response({{"Sec-WebSocket-Protocol", "chat"}, {"Sec-WebSocket-Protocol", "chat"}}), o),
            "TWINSOCK_ERR_WS_HANDSHAKE_BAD_SUBPROTOCOL");
  EXPECT_EQ(check(response({{"Sec-WebSocket-Protocol", "chat"}})), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_SUBPROTOCOL");
}

TEST(Upgrade, PermessageDeflateNegotiation) {  // RFC 7692 §7.1
  UpgradeOptions o;
  o.permessage_deflate = DeflateOffer{};
  UpgradeResult r;
  EXPECT_EQ(check(response({{"Sec-WebSocket-Extensions", "permessage-deflate"}}), o, &r), "TWINSOCK_OK");
  ASSERT_TRUE(r.permessage_deflate);
  EXPECT_EQ(r.permessage_deflate->server_max_window_bits, 15);
  EXPECT_EQ(r.permessage_deflate->client_max_window_bits, 15);
  EXPECT_EQ(check(response({{"Sec-WebSocket-Extensions",
                             "permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
                             " server_max_window_bits=10; client_max_window_bits=\"9\""}}),
                  o, &r),
            "TWINSOCK_OK");
  EXPECT_TRUE(r.permessage_deflate->server_no_context_takeover);
  EXPECT_TRUE(r.permessage_deflate->client_no_context_takeover);
  EXPECT_EQ(r.permessage_deflate->server_max_window_bits, 10);
  EXPECT_EQ(r.permessage_deflate->client_max_window_bits, 9);
  EXPECT_EQ(check(response({}), o, &r), "TWINSOCK_OK");  // the server declined
  EXPECT_FALSE(r.permessage_deflate);

  const char* bad[] = {
      "x-webkit-deflate-frame",
      "permessage-deflate, permessage-deflate",
      "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
      "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
      "permessage-deflate; server_no_context_takeover=1",
      "permessage-deflate; client_no_context_takeover=x",
      "permessage-deflate; server_max_window_bits",
      "permessage-deflate; server_max_window_bits=7",
      "permessage-deflate; server_max_window_bits=16",
      "permessage-deflate; server_max_window_bits=010",
      "permessage-deflate; server_max_window_bits=1a",
      "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
      "permessage-deflate; client_max_window_bits",
      "permessage-deflate; client_max_window_bits=8; client_max_window_bits=8",
      "permessage-deflate; unknown",
      "permessage-deflate; ",
      "permessage-deflate; a=\"x",
      "permessage-deflate x",
      "permessage-deflate; a=",
      "permessage-deflate; a=,",
      ";",
  };
  for (const char* value : bad)
    EXPECT_EQ(check(response({{"Sec-WebSocket-Extensions", value}}), o), "TWINSOCK_ERR_WS_HANDSHAKE_BAD_EXTENSION")
        << value;
  EXPECT_EQ(check(response({{"Sec-WebSocket-Extensions", "permessage-deflate"}})),
            "TWINSOCK_ERR_WS_HANDSHAKE_BAD_EXTENSION");  // not offered
  EXPECT_EQ(check(response({{"Sec-WebSocket-Extensions", "permessage-deflate"},
                            {"Sec-WebSocket-Extensions", "permessage-deflate"}}),
                  o),
            "TWINSOCK_ERR_WS_HANDSHAKE_BAD_EXTENSION");

  // Offer limits: the response may not exceed them; client_max_window_bits only if offered.
  o.permessage_deflate = DeflateOffer{false, false, 10, true, 12};
  EXPECT_EQ(check(response({{"Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=11"}}), o),
            "TWINSOCK_ERR_WS_HANDSHAKE_BAD_EXTENSION");
  EXPECT_EQ(check(response({{"Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits=13"}}), o),
            "TWINSOCK_ERR_WS_HANDSHAKE_BAD_EXTENSION");
  EXPECT_EQ(check(response({{"Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=8"}}), o, &r),
            "TWINSOCK_OK");
  EXPECT_EQ(r.permessage_deflate->client_max_window_bits, 12);  // the offer's value
  o.permessage_deflate = DeflateOffer{false, false, 0, false, 0};
  EXPECT_EQ(check(response({{"Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits=15"}}), o),
            "TWINSOCK_ERR_WS_HANDSHAKE_BAD_EXTENSION");
}

TEST(Upgrade, ExtensionListSyntax) {
  std::vector<Extension> ext;
  ASSERT_TRUE(parse_extension_list(" , foo ; a ; b = 1 ; c=\"q,\\\"x\" , bar,", ext));
  ASSERT_EQ(ext.size(), 2u);
  EXPECT_EQ(ext[0].name, "foo");
  ASSERT_EQ(ext[0].params.size(), 3u);
  EXPECT_FALSE(ext[0].params[0].has_value);
  EXPECT_EQ(ext[0].params[1].value, "1");
  EXPECT_EQ(ext[0].params[2].value, "q,\"x");
  EXPECT_EQ(ext[1].name, "bar");
  EXPECT_FALSE(parse_extension_list("a; b=\"\x01\"", ext));
  EXPECT_FALSE(parse_extension_list("a; b=\"x\\", ext));
}

TEST(Upgrade, EndToEndWithParser) {
  SampleNonce random;
  UpgradeRequest req;
  ASSERT_FALSE(make_upgrade_request(parse_url("ws://h/"), {}, random, req));
  const std::string wire = std::string("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n") +
                           "Connection: Upgrade\r\nSec-WebSocket-Accept: " + kAccept + "\r\n\r\n" + std::string("\x81\x00", 2);
  ResponseParser p;
  ASSERT_FALSE(p.feed(as_bytes(wire)));
  const Event ev = p.next();
  ASSERT_EQ(ev.kind, EventKind::upgrade);
  EXPECT_EQ(ev.consumed, wire.size() - 2);
  UpgradeResult r;
  EXPECT_FALSE(validate_upgrade_response(p.head(), req.key, {}, r));
}

}  // namespace
}  // namespace twinsock::http
