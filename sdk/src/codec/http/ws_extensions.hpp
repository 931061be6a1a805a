// Sec-WebSocket-Extensions syntax (RFC 6455 §9.1):
//   extension-list = 1#( extension-token *( ";" extension-param ) )
//   extension-param = token [ "=" ( token / quoted-string ) ]
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/http/message.hpp"

namespace twinsock::http {

struct ExtensionParam {
  std::string name;
  bool has_value = false;
  std::string value;  // unquoted
};

struct Extension {
  std::string name;
  std::vector<ExtensionParam> params;
};

/// Parses one field value, appending to `out`; false when malformed. Empty
/// list elements are skipped (RFC 9110 §5.6.1).
bool parse_extension_list(std::string_view value, std::vector<Extension>& out);

/// Every Sec-WebSocket-Extensions field of `headers`, in order.
bool parse_extension_headers(const Headers& headers, std::vector<Extension>& out);

}  // namespace twinsock::http
