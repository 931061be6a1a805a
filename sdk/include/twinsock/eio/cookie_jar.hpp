// A minimal cookie store for native Engine.IO sessions: enough for the
// sticky-session cookies load balancers set (AWS ALB AWSALB, HAProxy SERVERID,
// nginx sticky, engine.io's own `io` cookie) to go back on every polling
// request and on the WebSocket upgrade. Browsers keep their own cookies.
//
// RFC 6265 subset: name=value, Path (default-path §5.1.4, path-match §5.1.4),
// Max-Age, Expires (§5.1.1 date parsing; both capped at 400 days, as RFC 6265bis
// says), Secure. Cookies are host-only:
// the Domain attribute is ignored, so a cookie goes back only to the host that
// set it. HttpOnly and SameSite do not apply to a non-browser client.
//
// Loop affinity: none; not thread-safe (share one jar per loop).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twinsock/http_header.hpp"

namespace twinsock::eio {

using WallClock = std::chrono::system_clock;

class CookieJar {
 public:
  /// Cookies kept at most (Chromium's limit per domain): past it the oldest goes,
  /// so a server cannot grow the jar, or the Cookie header, without end.
  static constexpr std::size_t kMaxCookies = 180;

  struct Cookie {
    std::string host;  // lowercase, as the request URL's host
    std::string name;
    std::string value;
    std::string path;  // "/" or a path starting with '/'
    std::optional<WallClock::time_point> expires;  // none: a session cookie
    bool secure = false;
  };

  /// Stores one Set-Cookie header value received from `host` for a request to
  /// `request_path`. Malformed lines (no '=', empty name, a control character
  /// other than HTAB, as RFC 6265bis says) are ignored; an
  /// expired one deletes the cookie of the same host, name and path. A new
  /// cookie in a full jar replaces the oldest one.
  void set_cookie(std::string_view host, std::string_view request_path, std::string_view set_cookie,
                  WallClock::time_point now = WallClock::now());
  /// Every Set-Cookie header in `response_headers`.
  void store(std::string_view host, std::string_view request_path, const Headers& response_headers,
             WallClock::time_point now = WallClock::now());

  /// The Cookie header value for a request ("a=1; b=2"), "" when none applies.
  /// Longer paths first (RFC 6265 §5.4). Secure cookies only when `secure`.
  std::string header_for(std::string_view host, std::string_view path, bool secure,
                         WallClock::time_point now = WallClock::now()) const;

  const std::vector<Cookie>& cookies() const { return cookies_; }
  std::size_t size() const { return cookies_.size(); }
  void clear() { cookies_.clear(); }

 private:
  std::vector<Cookie> cookies_;
};

/// RFC 6265 §5.1.1 cookie-date ("Wed, 21 Oct 2015 07:28:00 GMT" and the
/// legacy forms); nullopt when it is not a date. A date the clock cannot hold
/// (before 1677 or after 2262) gives its first or last instant.
std::optional<WallClock::time_point> parse_cookie_date(std::string_view text);

}  // namespace twinsock::eio
