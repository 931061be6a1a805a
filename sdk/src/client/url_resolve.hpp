// Resolving a redirect's Location against the URL that was requested
// (RFC 3986 §5.2, the cases HTTP servers send: absolute, scheme-relative,
// path-absolute and path-relative references).
#pragma once

#include <string>
#include <string_view>

namespace twinsock {

std::string resolve_url(std::string_view base, std::string_view reference);

}  // namespace twinsock
