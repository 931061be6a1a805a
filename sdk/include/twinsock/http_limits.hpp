// Bounds on what an HTTP/1.1 response may make the native client buffer: the
// WebSocket upgrade response, SSE and Engine.IO long-polling responses. Each
// one exceeded fails the request with its own limit_exceeded error. Browsers
// apply their own limits and ignore these.
#pragma once

#include <cstddef>

namespace twinsock {

struct HttpLimits {
  /// Status line, header lines and the blank line (one header line can be this long
  /// at most): errc::http_header_too_large.
  std::size_t max_head_bytes = 16 * 1024;
  /// Header fields in the head, and again in chunked trailers: errc::http_too_many_headers.
  std::size_t max_headers = 100;
  /// A chunk-size line with its extensions: errc::http_chunk_line_too_long.
  std::size_t max_chunk_line_bytes = 1024;
  /// The chunked trailer section: errc::http_trailers_too_large.
  std::size_t max_trailer_bytes = 8 * 1024;
};

}  // namespace twinsock
