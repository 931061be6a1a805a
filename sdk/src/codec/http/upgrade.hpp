// WebSocket opening handshake, client side: the upgrade request (RFC 6455 §4.1)
// and the checks on the server's response (§4.2.2, §4.1 "the client MUST"),
// with permessage-deflate negotiation (RFC 7692 §7.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "codec/http/message.hpp"
#include "codec/url/url.hpp"
#include "util/random.hpp"

namespace twinsock::http {

/// permessage-deflate offer parameters (RFC 7692 §7.1).
struct DeflateOffer {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  std::uint8_t server_max_window_bits = 0;        // 0: not sent; else 8..15
  bool client_max_window_bits = true;             // send it: the server may then limit our window
  std::uint8_t client_max_window_bits_value = 0;  // 0: sent without a value; else 8..15
};

struct UpgradeOptions {
  std::vector<std::string> subprotocols;          // tokens, unique, in preference order
  std::optional<DeflateOffer> permessage_deflate;  // nullopt: no extension offered
  Headers extra_headers;                          // Origin, Cookie, User-Agent, Authorization...
};

struct UpgradeRequest {
  Request request;
  std::string text;  // `request` serialized, ready to send
  std::string key;   // the Sec-WebSocket-Key sent, needed to validate the response
};

/// GET <url.target()> with Host, Upgrade, Connection, Sec-WebSocket-Key (16 random
/// bytes, base64), Sec-WebSocket-Version: 13, the optional protocol and extension
/// offers, Authorization: Basic from the URL's userinfo (unless an extra header
/// gives one), then the extra headers.
/// Errors: http_reserved_header (an extra header the handshake sets itself),
/// http_invalid_request (a subprotocol that is not a token or is repeated, or a
/// bad extra header), invalid_argument (window bits outside 8..15).
std::error_code make_upgrade_request(const url::Url& url, const UpgradeOptions& options, RandomSource& random,
                                     UpgradeRequest& out);

/// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) (RFC 6455 §4.2.2 item 5.4).
std::string accept_key(std::string_view key);

/// Negotiated permessage-deflate parameters.
struct DeflateParams {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  std::uint8_t server_max_window_bits = 15;
  std::uint8_t client_max_window_bits = 15;  // the response's value, else the offer's, else 15
};

struct UpgradeResult {
  int status = 0;                                  // always set, also on failure
  std::string subprotocol;                         // empty: the server selected none
  std::optional<DeflateParams> permessage_deflate;  // nullopt: not negotiated
};

/// Checks a response head against the request made with `key` and `options`:
/// ws_handshake_bad_status (not 101), _bad_upgrade, _bad_connection, _bad_accept,
/// _bad_subprotocol (not one requested, or several), _bad_extension (not offered,
/// repeated, unknown/duplicate/invalid parameter, RFC 7692 §7.1 violations).
std::error_code validate_upgrade_response(const ResponseHead& head, std::string_view key,
                                          const UpgradeOptions& options, UpgradeResult& out);

}  // namespace twinsock::http
