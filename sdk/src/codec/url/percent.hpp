// Percent-encoding (RFC 3986 §2.1) with the encode sets of the WHATWG URL
// Standard §1.3, plus encodeURIComponent for query keys and values.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace twinsock::url {

enum class EncodeSet {
  path,       // WHATWG path percent-encode set
  query,      // WHATWG special-query percent-encode set
  userinfo,   // WHATWG userinfo percent-encode set
  component,  // encodeURIComponent: all but A-Z a-z 0-9 - _ . ! ~ * ' ( )
};

bool is_hex_digit(char c) noexcept;

/// Appends `text` to `out`, percent-encoding every byte of `set`. Existing
/// escapes are kept as they are; a '%' not followed by two hex digits is
/// url_bad_percent_encoding (only when `keep_escapes`; otherwise '%' is encoded).
std::error_code encode_into(std::string_view text, EncodeSet set, bool keep_escapes, std::string& out);

/// encodeURIComponent (ECMA-262 §19.2.6.5) on bytes.
std::string encode_component(std::string_view text);

/// Decodes %XX escapes (and '+' as space when `plus_as_space`, as
/// application/x-www-form-urlencoded servers do). Malformed escapes are
/// url_bad_percent_encoding.
std::error_code decode(std::string_view text, std::string& out, bool plus_as_space = false);

}  // namespace twinsock::url
