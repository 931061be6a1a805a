// The response parser's limits from the public HttpLimits, and the words that
// name the limit a response broke (for error details).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include "codec/http/response_parser.hpp"
#include "twinsock/http_limits.hpp"

namespace twinsock::http {

/// `max_body_bytes`: 0 = unlimited (streams).
ResponseLimits response_limits(const HttpLimits& limits, std::uint64_t max_body_bytes);

/// "response head exceeds http_limits.max_head_bytes (16384 bytes)" for a limit
/// error of the parser; else the error's own message.
std::string describe_error(std::error_code ec, const ResponseLimits& limits);

}  // namespace twinsock::http
