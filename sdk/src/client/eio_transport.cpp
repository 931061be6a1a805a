#include "client/eio_transport.hpp"

#include "codec/url/socketio.hpp"
#include "twinsock/eio/cookie_jar.hpp"

namespace twinsock::eio::detail {
namespace {

// yeast's alphabet: short, URL-safe cache busters.
std::string encode_yeast(std::uint64_t n) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  std::string out;
  do {
    out.insert(out.begin(), kAlphabet[n % 64]);
    n /= 64;
  } while (n > 0);
  return out;
}

bool is_cookie_header(std::string_view name) {
  static constexpr std::string_view kCookie = "cookie";
  if (name.size() != kCookie.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = (name[i] >= 'A' && name[i] <= 'Z') ? static_cast<char>(name[i] - 'A' + 'a') : name[i];
    if (c != kCookie[i]) return false;
  }
  return true;
}

}  // namespace

std::string SessionContext::url_for(std::string_view transport) {
  url::QueryList extra = query;
  if (transport == kPolling && options.timestamp_requests) {
    // engine.io-client adds `t` to polling requests; unique per request, as yeast() is.
    const auto ms = std::chrono::duration_cast<Duration>(loop.now().time_since_epoch()).count();
    extra.push_back({options.timestamp_param, encode_yeast(static_cast<std::uint64_t>(ms)) + "." +
                                                  encode_yeast(requests++)});
  }
  const url::Url base = transport == kWebSocket ? endpoint.with_websocket_scheme() : endpoint;
  return base.origin() +
         url::engine_target(options.path, url::engine_query(transport, sid, extra), options.add_trailing_slash);
}

Headers SessionContext::headers_for(const std::string& request_url) const {
  Headers headers = options.extra_headers;
  CookieJar* const cookies = jar();
  url::Url u;
  if (!cookies || url::parse(request_url, u)) return headers;
  const std::string cookie = cookies->header_for(u.host, u.path, u.secure());
  if (cookie.empty()) return headers;
  // The jar's cookies join any Cookie header the user set.
  for (auto& h : headers) {
    if (is_cookie_header(h.name)) {
      h.value += "; " + cookie;
      return headers;
    }
  }
  headers.push_back({"Cookie", cookie});
  return headers;
}

std::string not_engine_io(std::string_view what, std::string_view data) {
  constexpr std::size_t kShown = 60;
  std::string detail(what);
  detail += " is not Engine.IO: \"";
  for (char c : data.substr(0, kShown)) detail += c >= ' ' && c <= '~' ? c : '.';
  detail += data.size() > kShown ? "...\"" : "\"";
  return detail;
}

void SessionContext::store_cookies(const std::string& request_url, const Headers& response) const {
  CookieJar* const cookies = jar();
  url::Url u;
  if (!cookies || url::parse(request_url, u)) return;
  cookies->store(u.host, u.path, response);
}

}  // namespace twinsock::eio::detail
