#include "codec/url/percent.hpp"

#include "twinsock/error.hpp"
#include "util/ascii.hpp"

namespace twinsock::url {
namespace {

using ascii::hex_value;

constexpr char kHex[] = "0123456789ABCDEF";

bool is_alnum(unsigned char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool in_set(unsigned char c, EncodeSet set) noexcept {
  if (c < 0x20 || c > 0x7e) return true;  // C0 control percent-encode set
  switch (set) {
    case EncodeSet::component:
      return !(is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' ||
               c == '\'' || c == '(' || c == ')');
    case EncodeSet::query:
      return c == ' ' || c == '"' || c == '#' || c == '<' || c == '>' || c == '\'';
    case EncodeSet::path:
      return c == ' ' || c == '"' || c == '#' || c == '<' || c == '>' || c == '?' || c == '`' || c == '{' ||
             c == '}';
    case EncodeSet::userinfo:
      return c == ' ' || c == '"' || c == '#' || c == '<' || c == '>' || c == '?' || c == '`' || c == '{' ||
             c == '}' || c == '/' || c == ':' || c == ';' || c == '=' || c == '@' || c == '[' || c == '\\' ||
             c == ']' || c == '^' || c == '|';
  }
  return true;
}

void append_escape(unsigned char c, std::string& out) {
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 0x0f];
}

}  // namespace

bool is_hex_digit(char c) noexcept { return hex_value(c) >= 0; }

std::error_code encode_into(std::string_view text, EncodeSet set, bool keep_escapes, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '%' && keep_escapes) {
      if (text.size() - i < 3) return errc::url_bad_percent_encoding;
      if (!is_hex_digit(text[i + 1]) || !is_hex_digit(text[i + 2])) return errc::url_bad_percent_encoding;
      out.append(text.substr(i, 3));
      i += 2;
    } else if (c == '%' || in_set(c, set)) {
      append_escape(c, out);
    } else {
      out += static_cast<char>(c);
    }
  }
  return {};
}

std::string encode_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  encode_into(text, EncodeSet::component, false, out);  // cannot fail without keep_escapes
  return out;
}

std::error_code decode(std::string_view text, std::string& out, bool plus_as_space) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3) return errc::url_bad_percent_encoding;
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return errc::url_bad_percent_encoding;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return {};
}

}  // namespace twinsock::url
