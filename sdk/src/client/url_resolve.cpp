#include "client/url_resolve.hpp"

namespace twinsock {
namespace {

bool has_scheme(std::string_view s) {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!(alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) return false;
  }
  return true;
}

}  // namespace

std::string resolve_url(std::string_view base, std::string_view reference) {
  if (has_scheme(reference)) return std::string(reference);
  const std::size_t scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) return std::string(reference);
  if (reference.substr(0, 2) == "//") return std::string(base.substr(0, scheme_end + 1)) + std::string(reference);
  const std::size_t path_start = base.find('/', scheme_end + 3);
  const std::string origin(base.substr(0, path_start));
  if (!reference.empty() && reference[0] == '/') return origin + std::string(reference);
  // Relative path (or query only): replace what follows the base path's last '/'.
  std::string_view path = path_start == std::string_view::npos ? "/" : base.substr(path_start);
  if (!reference.empty() && reference[0] == '?') return origin + std::string(path.substr(0, path.find('?'))) + std::string(reference);
  path = path.substr(0, path.find('?'));
  return origin + std::string(path.substr(0, path.rfind('/') + 1)) + std::string(reference);
}

}  // namespace twinsock
