#include "codec/http/syntax.hpp"

#include "codec/http/message.hpp"

namespace twinsock::http {

bool is_field_value_char(unsigned char c) noexcept { return c == '\t' || (c >= 0x20 && c != 0x7f); }

void skip_ows(std::string_view& in) noexcept {
  while (!in.empty() && (in.front() == ' ' || in.front() == '\t')) in.remove_prefix(1);
}

bool consume_token(std::string_view& in, std::string_view& out) noexcept {
  std::size_t n = 0;
  while (n < in.size() && is_tchar(in[n])) ++n;
  if (n == 0) return false;
  out = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

bool consume_quoted_string(std::string_view& in, std::string& out) {
  if (in.empty() || in.front() != '"') return false;
  in.remove_prefix(1);
  while (!in.empty()) {
    const auto c = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    if (c == '"') return true;
    if (c == '\\') {  // quoted-pair
      if (in.empty() || !is_field_value_char(static_cast<unsigned char>(in.front()))) return false;
      out += in.front();
      in.remove_prefix(1);
    } else if (is_field_value_char(c)) {
      out += static_cast<char>(c);
    } else {
      return false;
    }
  }
  return false;  // no closing quote
}

bool valid_chunk_extensions(std::string_view in) {
  std::string scratch;
  std::string_view token;
  while (true) {
    skip_ows(in);
    if (in.empty()) return true;
    if (in.front() != ';') return false;
    in.remove_prefix(1);
    skip_ows(in);
    if (!consume_token(in, token)) return false;
    skip_ows(in);
    if (!in.empty() && in.front() == '=') {
      in.remove_prefix(1);
      skip_ows(in);
      if (!in.empty() && in.front() == '"') {
        scratch.clear();
        if (!consume_quoted_string(in, scratch)) return false;
      } else if (!consume_token(in, token)) {
        return false;
      }
    }
  }
}

}  // namespace twinsock::http
