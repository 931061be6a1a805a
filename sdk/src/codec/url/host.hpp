// The host of a special URL (WHATWG URL Standard §3.5 host parsing), limited
// to what a client can safely connect to: IPv6 literals, strict dotted-quad
// IPv4 and ASCII registered names.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "codec/url/url.hpp"

namespace twinsock::url {

/// `raw` is the host as written (without brackets; `bracketed` says whether it
/// had them). On success `out` is the canonical host and `kind` its type.
std::error_code parse_host(std::string_view raw, bool bracketed, std::string& out, HostKind& kind);

/// IPv6 address text (RFC 4291 §2.2, no zone id) -> RFC 5952 canonical form.
bool parse_ipv6(std::string_view text, std::string& out);

}  // namespace twinsock::url
