#include "codec/http/limits.hpp"

#include "twinsock/error.hpp"

namespace twinsock::http {

ResponseLimits response_limits(const HttpLimits& limits, std::uint64_t max_body_bytes) {
  return ResponseLimits{.max_head_bytes = limits.max_head_bytes,
                        .max_headers = limits.max_headers,
                        .max_body_bytes = max_body_bytes,
                        .max_chunk_line_bytes = limits.max_chunk_line_bytes,
                        .max_trailer_bytes = limits.max_trailer_bytes};
}

std::string describe_error(std::error_code ec, const ResponseLimits& limits) {
  const auto exceeds = [](const char* what, const char* option, std::uint64_t value, const char* unit) {
    return std::string(what) + " exceeds " + option + " (" + std::to_string(value) + unit + ")";
  };
  if (ec == errc::http_header_too_large)
    return exceeds("response head", "http_limits.max_head_bytes", limits.max_head_bytes, " bytes");
  if (ec == errc::http_too_many_headers)
    return exceeds("response header count", "http_limits.max_headers", limits.max_headers, "");
  if (ec == errc::http_chunk_line_too_long)
    return exceeds("chunk-size line", "http_limits.max_chunk_line_bytes", limits.max_chunk_line_bytes, " bytes");
  if (ec == errc::http_trailers_too_large)
    return exceeds("chunked trailers", "http_limits.max_trailer_bytes", limits.max_trailer_bytes, " bytes");
  if (ec == errc::http_body_too_large)
    return exceeds("response body", "its limit", limits.max_body_bytes, " bytes");
  return std::string(ec.message());
}

}  // namespace twinsock::http
