// HTTP/1.1 request serialization (RFC 9112 §3, §5).
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "codec/http/message.hpp"

namespace twinsock::http {

/// Appends "METHOD target HTTP/1.1\r\n", the headers in order, a
/// Content-Length when the body is non-empty and none was given, a blank line
/// and the body. http_invalid_request (nothing appended) when the method or a
/// header name is not a token, or CR, LF or NUL appear in the method, target,
/// a header name or value (RFC 9110 §5.5: no request smuggling through us);
/// an empty target or one containing a space is also refused.
std::error_code write_request(const Request& req, std::string& out);

/// "Basic " + base64(user ":" pass) for the Authorization header (RFC 7617 §2).
std::string basic_auth(std::string_view user, std::string_view pass);

}  // namespace twinsock::http
