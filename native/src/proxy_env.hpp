// Which HTTP proxy a connection goes through: an explicit setting, else the
// conventional environment variables (HTTPS_PROXY for wss/https, HTTP_PROXY for
// ws/http, lower-case forms too, minus hosts listed in NO_PROXY), as curl does.
#pragma once

#include <optional>
#include <string>
#include <system_error>

#include "codec/url/url.hpp"
#include "connector.hpp"

namespace twinsock::native {

/// `explicit_proxy`: "http://[user:pass@]host:port", "none" (no proxy, ignore the
/// environment) or empty (use the environment). errc::url_* for a malformed proxy URL.
std::error_code proxy_for(const url::Url& target, const std::string& explicit_proxy,
                          std::optional<ProxySettings>& out);

/// NO_PROXY matching: "*", exact hosts, and domain suffixes ("example.com" and
/// ".example.com" both cover "a.example.com"); entries may carry ":port".
bool no_proxy_matches(const std::string& no_proxy, const std::string& host, std::uint16_t port);

}  // namespace twinsock::native
