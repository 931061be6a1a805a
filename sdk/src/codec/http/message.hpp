// HTTP/1.1 message pieces shared by the request writer, the response parser
// and the WebSocket handshake (RFC 9110 §5 fields, RFC 9112).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "twinsock/http_header.hpp"

namespace twinsock::http {

/// The public header type: ordered, duplicates kept (RFC 9110 §5.3: order of
/// same-named fields matters).
using Header = twinsock::Header;
using Headers = twinsock::Headers;

struct Request {
  std::string method = "GET";
  std::string target = "/";
  Headers headers;    // written in order; Content-Length added when a body is present
  std::string body;
};

struct ResponseHead {
  int version_minor = 1;  // HTTP/1.<minor>
  int status = 0;
  std::string reason;
  Headers headers;
};

/// ASCII case-insensitive comparison (field names, tokens).
bool iequals(std::string_view a, std::string_view b) noexcept;

/// RFC 9110 §5.6.2 token: 1*tchar.
bool is_token(std::string_view s) noexcept;
bool is_tchar(char c) noexcept;

/// First field named `name` (case-insensitive), or nullptr.
const std::string* find_header(const Headers& headers, std::string_view name) noexcept;
std::size_t count_headers(const Headers& headers, std::string_view name) noexcept;

/// The comma-separated list elements (RFC 9110 §5.6.1) of every field named
/// `name`, in order, with surrounding whitespace removed and empty elements skipped.
std::vector<std::string_view> header_list(const Headers& headers, std::string_view name);

/// True when a list element of any `name` field equals `token` case-insensitively
/// (e.g. Connection: keep-alive, Upgrade).
bool header_has_token(const Headers& headers, std::string_view name, std::string_view token);

/// Removes leading and trailing SP / HTAB (OWS).
std::string_view trim_ows(std::string_view s) noexcept;

}  // namespace twinsock::http
