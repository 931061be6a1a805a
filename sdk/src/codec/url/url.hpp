// URLs of the four schemes a twinsock client connects to (ws, wss, http, https),
// parsed the way browsers do for these "special" schemes (WHATWG URL Standard
// §4.4), with a few stricter choices documented on `parse`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace twinsock::url {

struct UrlLimits {
  std::size_t max_length = 8192;  // bytes of the input text
};

enum class HostKind { name, ipv4, ipv6 };

struct Url {
  std::string scheme;                 // "ws", "wss", "http" or "https" (lowercase)
  std::string username;               // percent-encoded, as it will be serialized
  std::string password;               // percent-encoded
  std::string host;                   // lowercase name, dotted IPv4, or IPv6 without brackets (RFC 5952 form)
  HostKind host_kind = HostKind::name;
  std::uint16_t port = 0;             // always set: explicit or the scheme's default
  std::string path = "/";             // percent-encoded, dot segments removed, never empty
  std::string query;                  // percent-encoded, without '?'; the fragment is dropped

  bool secure() const noexcept { return scheme == "wss" || scheme == "https"; }
  std::uint16_t default_port() const noexcept { return secure() ? 443 : 80; }
  bool has_default_port() const noexcept { return port == default_port(); }
  bool has_userinfo() const noexcept { return !username.empty() || !password.empty(); }
  std::string decoded_username() const;
  std::string decoded_password() const;

  /// Host header value (RFC 9110 §7.2): brackets around IPv6, port only if not the default.
  std::string host_for_header() const;
  /// request-target in origin-form (RFC 9112 §3.2.1): path, then "?" + query when the query is non-empty.
  std::string target() const;
  /// scheme "://" host [":" port] of this URL's own scheme (RFC 6454 §6.2 serialization).
  std::string origin() const;
  /// The whole URL without the fragment: scheme://[user[:pass]@]host[:port]path[?query].
  std::string href() const;

  /// Engine.IO switches transports on the same endpoint: http->ws, https->wss (ws/wss unchanged).
  Url with_websocket_scheme() const;
  /// ws->http, wss->https (http/https unchanged).
  Url with_http_scheme() const;
};

/// Parses an absolute ws/wss/http/https URL into `out`.
///
/// Like browsers: scheme case-insensitive; '\' is a '/' ; host lowercased and
/// percent-decoded; IPv6 validated and printed in canonical form; empty port =
/// default; dot segments removed; space, '"', '<', '>', '`', '{', '}', non-ASCII
/// (and '\'' in the query) percent-encoded; the fragment dropped.
/// Stricter than browsers: control characters (C0, DEL), tab and newline anywhere
/// are errors (url_bad_character), as is invalid UTF-8; malformed '%' escapes are
/// errors (url_bad_percent_encoding); hosts that end in a number must be a plain
/// dotted-quad IPv4 (no "127.1" or "0x7f.1" shorthands); non-ASCII hosts (IDN)
/// must be given in punycode; IPv6 zone ids are rejected (url_bad_host).
std::error_code parse(std::string_view text, Url& out, const UrlLimits& limits = {});

}  // namespace twinsock::url
