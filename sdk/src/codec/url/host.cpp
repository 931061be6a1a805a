#include "codec/url/host.hpp"

#include <array>
#include <cstdint>

#include "codec/url/percent.hpp"
#include "twinsock/error.hpp"
#include "util/ascii.hpp"

namespace twinsock::url {
namespace {

using ascii::hex_value;
using ascii::is_digit;

// Parses "a.b.c.d" with each part 0..255 in plain decimal (no leading zeros).
bool parse_dotted_quad(std::string_view text, std::array<std::uint8_t, 4>& out) {
  std::size_t part = 0, i = 0;
  while (part < 4) {
    std::size_t start = i;
    unsigned value = 0;
    while (i < text.size() && is_digit(text[i]) && i - start < 3) value = value * 10 + unsigned(text[i++] - '0');
    const std::size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && text[start] == '0')) return false;
    out[part++] = static_cast<std::uint8_t>(value);
    if (part < 4) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
  }
  return i == text.size();
}

// WHATWG "ends in a number checker": such hosts are IPv4 addresses to a browser.
bool ends_in_number(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const std::size_t dot = host.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  bool digits = true;
  for (char c : last) digits = digits && is_digit(c);
  if (digits) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    for (char c : last.substr(2))
      if (hex_value(c) < 0) return false;
    return true;
  }
  return false;
}

// RFC 3986 §3.2.2 reg-name characters after percent-decoding: unreserved and sub-delims.
bool is_name_char(unsigned char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case '!': case '$': case '&': case '\'':
    case '(': case ')': case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}

}  // namespace

bool parse_ipv6(std::string_view text, std::string& out) {
  std::array<std::uint16_t, 8> pieces{};
  int index = 0, compress = -1;
  std::size_t i = 0;
  if (text.size() >= 1 && text[0] == ':') {
    if (text.size() < 2 || text[1] != ':') return false;
    i = 2;
    compress = index = 0;
  }
  while (i < text.size()) {
    if (index == 8) return false;
    if (text[i] == ':') {
      if (compress >= 0) return false;
      ++i;
      compress = index;
      continue;
    }
    unsigned value = 0;
    std::size_t len = 0;
    while (len < 4 && i < text.size() && hex_value(text[i]) >= 0) {
      value = value * 16 + unsigned(hex_value(text[i]));
      ++i;
      ++len;
    }
    if (i < text.size() && text[i] == '.') {  // embedded IPv4 (RFC 4291 §2.2 form 3)
      if (len == 0 || index > 6) return false;
      std::array<std::uint8_t, 4> v4{};
      if (!parse_dotted_quad(text.substr(i - len), v4)) return false;
      pieces[index++] = std::uint16_t(v4[0] << 8 | v4[1]);
      pieces[index++] = std::uint16_t(v4[2] << 8 | v4[3]);
      i = text.size();
      break;
    }
    if (len == 0) return false;
    if (i < text.size()) {
      if (text[i] != ':') return false;
      ++i;
      if (i == text.size()) return false;  // trailing single ':'
    }
    pieces[index++] = static_cast<std::uint16_t>(value);
  }
  if (compress >= 0) {
    int swaps = index - compress;
    int to = 7;
    if (index == 8) return false;  // "::" must stand for at least one piece
    while (swaps-- > 0) {
      pieces[to--] = pieces[compress + swaps];
      pieces[compress + swaps] = 0;
    }
  } else if (index != 8) {
    return false;
  }
  // RFC 5952 §4.2: compress the first longest run of two or more zero pieces.
  int best = -1, best_len = 1;
  for (int p = 0; p < 8;) {
    if (pieces[p] != 0) {
      ++p;
      continue;
    }
    int q = p;
    while (q < 8 && pieces[q] == 0) ++q;
    if (q - p > best_len) best = p, best_len = q - p;
    p = q;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.clear();
  for (int p = 0; p < 8; ++p) {
    if (p == best) {
      out += p == 0 ? "::" : ":";
      p += best_len - 1;
      continue;
    }
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const int digit = (pieces[p] >> shift) & 0xf;
      if (digit || started || shift == 0) out += kHex[digit], started = true;
    }
    if (p != 7) out += ':';
  }
  return true;
}

std::error_code parse_host(std::string_view raw, bool bracketed, std::string& out, HostKind& kind) {
  if (bracketed) {
    if (!parse_ipv6(raw, out)) return errc::url_bad_host;  // includes zone ids ('%')
    kind = HostKind::ipv6;
    return {};
  }
  if (raw.empty()) return errc::url_bad_host;
  std::string name;
  if (auto ec = decode(raw, name)) return ec;
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!is_name_char(static_cast<unsigned char>(c))) return errc::url_bad_host;
  }
  if (ends_in_number(name)) {
    std::string_view quad = name;
    if (quad.back() == '.') quad.remove_suffix(1);
    std::array<std::uint8_t, 4> v4{};
    if (!parse_dotted_quad(quad, v4)) return errc::url_bad_host;
    out.assign(quad);
    kind = HostKind::ipv4;
    return {};
  }
  out = std::move(name);
  kind = HostKind::name;
  return {};
}

}  // namespace twinsock::url
