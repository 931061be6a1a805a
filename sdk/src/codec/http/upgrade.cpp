#include "codec/http/upgrade.hpp"

#include <array>

#include "codec/http/request.hpp"
#include "codec/http/ws_extensions.hpp"
#include "twinsock/error.hpp"
#include "util/base64.hpp"
#include "util/sha1.hpp"

namespace twinsock::http {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

constexpr std::string_view kReserved[] = {
    "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol",
    "sec-websocket-extensions", "sec-websocket-accept", "content-length", "transfer-encoding"};

bool valid_window_bits(std::uint8_t bits) noexcept { return bits >= 8 && bits <= 15; }

std::string deflate_offer(const DeflateOffer& offer) {
  std::string out = "permessage-deflate";
  if (offer.server_no_context_takeover) out += "; server_no_context_takeover";
  if (offer.client_no_context_takeover) out += "; client_no_context_takeover";
  if (offer.server_max_window_bits) out += "; server_max_window_bits=" + std::to_string(offer.server_max_window_bits);
  if (offer.client_max_window_bits) {
    out += "; client_max_window_bits";
    if (offer.client_max_window_bits_value) out += "=" + std::to_string(offer.client_max_window_bits_value);
  }
  return out;
}

// RFC 7692 §7.1.2: 1*DIGIT without leading zeros, 8..15.
bool parse_window_bits(const ExtensionParam& p, std::uint8_t& out) {
  if (!p.has_value || p.value.empty() || p.value.size() > 2 || p.value[0] == '0') return false;
  unsigned value = 0;
  for (char c : p.value) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + unsigned(c - '0');
  }
  if (value < 8 || value > 15) return false;
  out = static_cast<std::uint8_t>(value);
  return true;
}

// The server's permessage-deflate response parameters against our offer (RFC 7692 §7.1).
bool accept_deflate(const Extension& ext, const DeflateOffer& offer, DeflateParams& out) {
  bool seen_snct = false, seen_cnct = false, seen_smwb = false, seen_cmwb = false;
  out = DeflateParams{};
  if (offer.client_max_window_bits_value) out.client_max_window_bits = offer.client_max_window_bits_value;
  for (const auto& p : ext.params) {
    if (p.name == "server_no_context_takeover") {
      if (seen_snct || p.has_value) return false;
      seen_snct = out.server_no_context_takeover = true;
    } else if (p.name == "client_no_context_takeover") {  // allowed even if not offered (§7.1.1.2)
      if (seen_cnct || p.has_value) return false;
      seen_cnct = out.client_no_context_takeover = true;
    } else if (p.name == "server_max_window_bits") {  // at most the offered value (§7.1.2.1)
      if (seen_smwb || !parse_window_bits(p, out.server_max_window_bits)) return false;
      if (offer.server_max_window_bits && out.server_max_window_bits > offer.server_max_window_bits) return false;
      seen_smwb = true;
    } else if (p.name == "client_max_window_bits") {  // only if offered, with a value (§7.1.2.2)
      if (seen_cmwb || !offer.client_max_window_bits || !parse_window_bits(p, out.client_max_window_bits))
        return false;
      if (offer.client_max_window_bits_value && out.client_max_window_bits > offer.client_max_window_bits_value)
        return false;
      seen_cmwb = true;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string accept_key(std::string_view key) {
  std::string input(key);
  input += kGuid;
  return base64::encode(sha1::digest(as_bytes(input)));
}

std::error_code make_upgrade_request(const url::Url& url, const UpgradeOptions& options, RandomSource& random,
                                     UpgradeRequest& out) {
  for (const auto& h : options.extra_headers)
    for (std::string_view reserved : kReserved)
      if (iequals(h.name, reserved)) return errc::http_reserved_header;
  std::string protocols;
  for (std::size_t i = 0; i < options.subprotocols.size(); ++i) {  // RFC 6455 §4.1 item 10
    const std::string& p = options.subprotocols[i];
    if (!is_token(p)) return errc::http_invalid_request;
    for (std::size_t j = 0; j < i; ++j)
      if (options.subprotocols[j] == p) return errc::http_invalid_request;
    if (!protocols.empty()) protocols += ", ";
    protocols += p;
  }
  if (const auto& d = options.permessage_deflate) {
    if ((d->server_max_window_bits && !valid_window_bits(d->server_max_window_bits)) ||
        (d->client_max_window_bits_value && !valid_window_bits(d->client_max_window_bits_value)))
      return errc::invalid_argument;
  }

  std::array<std::uint8_t, 16> nonce{};
  random.fill(nonce);
  UpgradeRequest result;
  result.key = base64::encode(nonce);
  Request& req = result.request;
  req.method = "GET";
  req.target = url.target();
  req.headers = {{"Host", url.host_for_header()},
                 {"Upgrade", "websocket"},
                 {"Connection", "Upgrade"},
                 {"Sec-WebSocket-Key", result.key},
                 {"Sec-WebSocket-Version", "13"}};
  if (!protocols.empty()) req.headers.push_back({"Sec-WebSocket-Protocol", protocols});
  if (options.permessage_deflate)
    req.headers.push_back({"Sec-WebSocket-Extensions", deflate_offer(*options.permessage_deflate)});
  if (url.has_userinfo() && !find_header(options.extra_headers, "authorization"))
    req.headers.push_back({"Authorization", basic_auth(url.decoded_username(), url.decoded_password())});
  req.headers.insert(req.headers.end(), options.extra_headers.begin(), options.extra_headers.end());
  if (auto ec = write_request(req, result.text)) return ec;
  out = std::move(result);
  return {};
}

std::error_code validate_upgrade_response(const ResponseHead& head, std::string_view key,
                                          const UpgradeOptions& options, UpgradeResult& out) {
  out = UpgradeResult{};
  out.status = head.status;
  if (head.status != 101) return errc::ws_handshake_bad_status;
  const auto upgrade = header_list(head.headers, "upgrade");
  if (upgrade.size() != 1 || !iequals(upgrade[0], "websocket")) return errc::ws_handshake_bad_upgrade;
  if (!header_has_token(head.headers, "connection", "upgrade")) return errc::ws_handshake_bad_connection;
  const std::string* accept = find_header(head.headers, "sec-websocket-accept");
  if (!accept || count_headers(head.headers, "sec-websocket-accept") != 1 || *accept != accept_key(key))
    return errc::ws_handshake_bad_accept;

  if (const std::string* protocol = find_header(head.headers, "sec-websocket-protocol")) {  // §4.1 item 6
    bool requested = false;
    for (const auto& p : options.subprotocols) requested = requested || p == *protocol;
    if (!requested || count_headers(head.headers, "sec-websocket-protocol") != 1)
      return errc::ws_handshake_bad_subprotocol;
    out.subprotocol = *protocol;
  }

  std::vector<Extension> extensions;  // §4.1 item 5
  if (!parse_extension_headers(head.headers, extensions)) return errc::ws_handshake_bad_extension;
  for (const auto& ext : extensions) {
    if (!iequals(ext.name, "permessage-deflate") || !options.permessage_deflate || out.permessage_deflate)
      return errc::ws_handshake_bad_extension;
    DeflateParams params;
    if (!accept_deflate(ext, *options.permessage_deflate, params)) return errc::ws_handshake_bad_extension;
    out.permessage_deflate = params;
  }
  return {};
}

}  // namespace twinsock::http
