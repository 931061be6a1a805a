// The public Header type and the HTTP codec's have the same shape; convert.
#pragma once

#include "codec/http/message.hpp"
#include "twinsock/http_header.hpp"

namespace twinsock::native {

inline http::Headers to_http_headers(const Headers& headers) {
  http::Headers out;
  out.reserve(headers.size());
  for (const auto& h : headers) out.push_back({h.name, h.value});
  return out;
}

inline Headers from_http_headers(const http::Headers& headers) {
  Headers out;
  out.reserve(headers.size());
  for (const auto& h : headers) out.push_back({h.name, h.value});
  return out;
}

}  // namespace twinsock::native
