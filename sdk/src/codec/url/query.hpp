// key=value query strings, encoded the way engine.io-client's `encode` does
// (encodeURIComponent on keys and values, joined with '&').
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace twinsock::url {

struct QueryParam {
  std::string key;    // decoded
  std::string value;  // decoded
  friend bool operator==(const QueryParam&, const QueryParam&) = default;
};
using QueryList = std::vector<QueryParam>;

/// "k1=v1&k2=v2" with keys and values percent-encoded (encodeURIComponent).
std::string encode_query(const QueryList& params);

/// Splits on '&', then at the first '='; empty pieces are skipped and a piece
/// without '=' has an empty value. '+' decodes to a space, as servers
/// (Node's querystring, application/x-www-form-urlencoded) read it.
/// Malformed escapes are url_bad_percent_encoding (`out` is then unspecified).
std::error_code decode_query(std::string_view query, QueryList& out);

/// The value of the first parameter named `key`, or nullptr.
const std::string* find_param(const QueryList& params, std::string_view key);

}  // namespace twinsock::url
