// URL parsing for the special schemes ws, wss, http, https (WHATWG URL §4.4,
// simplified: absolute URLs only, no base URL, no state machine needed).
#include <cstdint>
#include <vector>

#include "codec/url/host.hpp"
#include "codec/url/percent.hpp"
#include "codec/url/url.hpp"
#include "twinsock/error.hpp"
#include "util/utf8.hpp"

namespace twinsock::url {
namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_slash(char c) noexcept { return c == '/' || c == '\\'; }  // '\' is '/' in special URLs

std::error_code parse_scheme(std::string_view text, std::string& scheme, std::size_t& end) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return errc::url_bad_scheme;
  scheme.clear();
  for (char c : text.substr(0, colon)) scheme += lower(c);
  if (scheme != "ws" && scheme != "wss" && scheme != "http" && scheme != "https") return errc::url_bad_scheme;
  end = colon + 1;
  return {};
}

std::error_code parse_port(std::string_view text, std::uint16_t default_port, std::uint16_t& port) {
  if (text.empty()) {  // "http://h:/" means the default port, as in browsers
    port = default_port;
    return {};
  }
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return errc::url_bad_port;
    value = value * 10 + std::uint32_t(c - '0');
    if (value > 65535) return errc::url_bad_port;
  }
  if (value == 0) return errc::url_bad_port;
  port = static_cast<std::uint16_t>(value);
  return {};
}

// WHATWG single-dot and double-dot path segments, including their %2e spellings.
bool is_dot(std::string_view s) { return s == "." || s == "%2e" || s == "%2E"; }
bool is_dot_dot(std::string_view s) {
  if (s.size() == 2) return s == "..";
  if (s.size() == 4) return (s[0] == '.' && is_dot(s.substr(1))) || (is_dot(s.substr(0, 3)) && s[3] == '.');
  return s.size() == 6 && is_dot(s.substr(0, 3)) && is_dot(s.substr(3));
}

// `raw` starts right after the authority (empty or at a slash): encode, split
// into segments and resolve "." and ".." (RFC 3986 §5.2.4 as WHATWG does it).
std::error_code parse_path(std::string_view raw, std::string& path) {
  std::vector<std::string> segments;
  if (!raw.empty()) raw.remove_prefix(1);  // the leading slash
  std::size_t start = 0;
  while (true) {
    std::size_t end = start;
    while (end < raw.size() && !is_slash(raw[end])) ++end;
    const std::string_view segment = raw.substr(start, end - start);
    const bool last = end >= raw.size();
    if (is_dot_dot(segment)) {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (is_dot(segment)) {
      if (last) segments.emplace_back();
    } else {
      std::string encoded;
      if (auto ec = encode_into(segment, EncodeSet::path, true, encoded)) return ec;
      segments.push_back(std::move(encoded));
    }
    if (last) break;
    start = end + 1;
  }
  path.clear();
  for (const auto& s : segments) {
    path += '/';
    path += s;
  }
  if (path.empty()) path.push_back('/');  // not = "/": g++ 12 -O3 warns falsely (PR 105329)
  return {};
}

}  // namespace

std::error_code parse(std::string_view text, Url& out, const UrlLimits& limits) {
  if (text.empty()) return errc::url_empty;
  if (text.size() > limits.max_length) return errc::url_too_long;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return errc::url_bad_character;
  }
  if (!utf8::is_valid(as_bytes(text))) return errc::url_bad_character;

  Url url;
  std::size_t pos = 0;
  if (auto ec = parse_scheme(text, url.scheme, pos)) return ec;
  if (text.size() - pos < 2 || !is_slash(text[pos]) || !is_slash(text[pos + 1])) return errc::url_bad_host;
  pos += 2;

  // authority = [ userinfo "@" ] host [ ":" port ], ended by / \ ? #
  std::size_t auth_end = pos;
  while (auth_end < text.size() && !is_slash(text[auth_end]) && text[auth_end] != '?' && text[auth_end] != '#')
    ++auth_end;
  std::string_view authority = text.substr(pos, auth_end - pos);
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (auto ec = encode_into(userinfo.substr(0, colon), EncodeSet::userinfo, true, url.username)) return ec;
    if (colon != std::string_view::npos)
      if (auto ec = encode_into(userinfo.substr(colon + 1), EncodeSet::userinfo, true, url.password)) return ec;
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority, port;
  bool bracketed = false, has_port = false;
  if (!authority.empty() && authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return errc::url_bad_host;
    host = authority.substr(1, close - 1);
    bracketed = true;
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return errc::url_bad_host;
      port = rest.substr(1);
      has_port = true;
    }
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (auto ec = parse_host(host, bracketed, url.host, url.host_kind)) return ec;
  url.port = url.default_port();
  if (has_port)
    if (auto ec = parse_port(port, url.default_port(), url.port)) return ec;

  std::size_t path_end = auth_end;
  while (path_end < text.size() && text[path_end] != '?' && text[path_end] != '#') ++path_end;
  if (auto ec = parse_path(text.substr(auth_end, path_end - auth_end), url.path)) return ec;
  if (path_end < text.size() && text[path_end] == '?') {
    const std::size_t hash = text.find('#', path_end);
    const std::string_view query = text.substr(path_end + 1, hash == std::string_view::npos ? hash : hash - path_end - 1);
    if (auto ec = encode_into(query, EncodeSet::query, true, url.query)) return ec;
  }
  out = std::move(url);
  return {};
}

}  // namespace twinsock::url
