#include "proxy_env.hpp"

#include <cstdlib>

#include "codec/http/request.hpp"

namespace twinsock::native {
namespace {

std::string env(const char* upper, const char* lower) {
  if (const char* v = std::getenv(lower); v && *v) return v;
  if (const char* v = std::getenv(upper); v && *v) return v;
  return {};
}

std::string lowercase(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

bool no_proxy_matches(const std::string& no_proxy, const std::string& host, std::uint16_t port) {
  const std::string h = lowercase(host);
  std::size_t start = 0;
  while (start <= no_proxy.size()) {
    std::size_t end = no_proxy.find(',', start);
    if (end == std::string::npos) end = no_proxy.size();
    std::string entry = lowercase(no_proxy.substr(start, end - start));
    start = end + 1;
    while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) entry.erase(0, 1);
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.pop_back();
    if (entry.empty()) continue;
    if (entry == "*") return true;
    // An optional ":port" (not inside an IPv6 literal's brackets).
    const std::size_t colon = entry.rfind(':');
    if (colon != std::string::npos && entry.find(']') == std::string::npos && entry.find(':') == colon) {
      if (entry.substr(colon + 1) != std::to_string(port)) continue;
      entry.resize(colon);
    }
    if (entry.size() > 2 && entry.front() == '[' && entry.back() == ']') entry = entry.substr(1, entry.size() - 2);
    if (entry.front() == '.') entry.erase(0, 1);
    if (h == entry) return true;
    if (h.size() > entry.size() && h.compare(h.size() - entry.size(), entry.size(), entry) == 0 &&
        h[h.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

std::error_code proxy_for(const url::Url& target, const std::string& explicit_proxy,
                          std::optional<ProxySettings>& out) {
  out.reset();
  std::string proxy = explicit_proxy;
  if (proxy == "none") return {};
  if (proxy.empty()) {
    proxy = target.secure() ? env("HTTPS_PROXY", "https_proxy") : env("HTTP_PROXY", "http_proxy");
    if (proxy.empty()) return {};
    if (no_proxy_matches(env("NO_PROXY", "no_proxy"), target.host, target.port)) return {};
  }
  if (proxy.find("://") == std::string::npos) proxy = "http://" + proxy;  // "host:port" is common in the environment
  url::Url parsed;
  if (auto ec = url::parse(proxy, parsed)) return ec;
  ProxySettings settings{.host = parsed.host, .port = parsed.port};
  if (parsed.has_userinfo()) settings.authorization = http::basic_auth(parsed.decoded_username(), parsed.decoded_password());
  out = settings;
  return {};
}

}  // namespace twinsock::native
