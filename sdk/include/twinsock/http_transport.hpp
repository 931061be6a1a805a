// The HTTP request seam used by the SSE client and Engine.IO long-polling:
// one request whose response head and body arrive as they come.
//
// Natively the platform runs our HTTP/1.1 codec over TCP/TLS; in the browser it
// is fetch() with a streamed body. Tests inject fakes.
//
// Contract for implementations:
// - No event inside the factory call or the destructor: events arrive on later turns.
// - on_http_head at most once, then body pieces, then exactly one on_http_end
//   (error empty when the body ended normally), and nothing after it.
// - Redirects are NOT followed by the transport; the client decides.
// - The events may destroy the transport; arguments stay valid for the whole call.
// - Destroying the transport cancels the request silently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "twinsock/bytes.hpp"
#include "twinsock/http_header.hpp"
#include "twinsock/http_limits.hpp"
#include "twinsock/loop.hpp"
#include "twinsock/tls_options.hpp"

namespace twinsock {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  Duration timeout = Duration(10'000);  // until the response head arrives
  bool with_credentials = false;        // browser: send cookies cross-origin
  // A live stream no cache may answer: natively "Cache-Control: no-cache"; in browsers
  // fetch's cache mode 'no-store' (a header would cost a CORS preflight, which
  // EventSource never needs).
  bool bypass_caches = false;
  TlsOptions tls;                       // native only
  std::string proxy;                    // native only
  std::size_t max_body_bytes = 0;       // 0: unlimited (streams)
  HttpLimits http_limits;               // native only: the response head
  std::function<void(std::string_view line)> trace;  // protocol trace, when set
};

class HttpResponseEvents {
 public:
  virtual ~HttpResponseEvents() = default;
  virtual void on_http_head(int status, const Headers& headers) = 0;
  virtual void on_http_data(bytes_view data) = 0;
  /// `detail`: a human explanation of `error` (empty on success).
  virtual void on_http_end(std::error_code error, const std::string& detail) = 0;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
};

using HttpTransportFactory = std::function<std::unique_ptr<HttpTransport>(
    Loop& loop, const HttpRequest& request, HttpResponseEvents& events)>;

/// The platform's HTTP transport (native or web, whichever is linked).
HttpTransportFactory platform_http_factory();

/// True where the platform keeps HTTP cookies itself (the web platform: a browser's
/// fetch does, and in Node the module's JavaScript side does): Engine.IO then needs
/// no cookie jar of its own, and the WASM build leaves the jar's code out.
bool platform_keeps_cookies();

/// True where the platform's HTTP transport follows redirects itself (fetch with
/// redirect: "follow"): no 3xx reaches the clients, which then leave their own
/// redirect handling out.
bool platform_follows_redirects();

/// A URL relative to the page made absolute, as browsers do for their WebSocket,
/// EventSource and fetch ("/events", "//host/ws"); natively (no page) `url` as it is.
std::string platform_resolve_url(const std::string& url);

/// Case-insensitive header lookup; nullptr when absent.
const std::string* find_header(const Headers& headers, std::string_view name);

}  // namespace twinsock
