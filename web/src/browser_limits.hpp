// What a browser decides for itself and a client must not pretend to set.
#pragma once

#include <string>

#include "twinsock/tls_options.hpp"

namespace twinsock::web::detail {

/// Why a request with these options cannot run in a browser, or "" when it can.
inline std::string browser_refuses(const TlsOptions& tls, const std::string& proxy) {
  if (tls.insecure || !tls.ca_file.empty() || !tls.cert_file.empty())
    return "browsers manage TLS themselves: TLS options cannot be set";
  if (!proxy.empty()) return "browsers choose proxies themselves: a proxy cannot be set";
  return {};
}

}  // namespace twinsock::web::detail
