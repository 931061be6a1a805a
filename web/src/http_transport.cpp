// The HTTP transport of the web platform: fetch() with a streamed body, for the
// SSE client and Engine.IO long-polling.
//
// Differences from the native transport, by the browser's rules: redirects are
// followed by fetch itself (the client never sees a 3xx); forbidden headers
// (Cookie, Host, ...) are dropped by the browser; cookies follow the page's
// rules, cross-origin only with `with_credentials`. TLS options and proxies are
// refused with errc::not_supported.
#include <emscripten.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "browser_limits.hpp"
#include "client/url_resolve.hpp"
#include "codec/json/parser.hpp"
#include "codec/json/writer.hpp"
#include "handle_registry.hpp"
#include "js_api.hpp"
#include "twinsock/error.hpp"
#include "twinsock/http_transport.hpp"

namespace twinsock::web {
namespace {

class BrowserHttpTransport;

detail::HandleRegistry<BrowserHttpTransport>& requests() {
  static detail::HandleRegistry<BrowserHttpTransport> registry;
  return registry;
}

class BrowserHttpTransport final : public HttpTransport {
 public:
  BrowserHttpTransport(Loop& loop, const HttpRequest& request, HttpResponseEvents& events)
      : loop_(loop), events_(events), request_(request), head_timer_(loop), handle_(requests().add(this)) {
    if (std::string why = detail::browser_refuses(request.tls, request.proxy); !why.empty()) {
      end_later(errc::not_supported, std::move(why));
      return;
    }
    nlohmann::json headers = nlohmann::json::array();
    for (const Header& h : request.headers) headers.push_back({h.name, h.value});
    if (!request.body.empty() && !find_header(request.headers, "content-type"))
      headers.push_back({"Content-Type", "text/plain;charset=UTF-8"});
    std::string headers_json;
    write_json(headers, headers_json);
    if (request.trace) request.trace("> " + request.method + " " + request.url);
    twinsock_js_fetch(handle_, request.method.c_str(), request.url.c_str(), headers_json.c_str(),
                      request.body.data(), request.body.size(), request.with_credentials ? 1 : 0,
                      request.bypass_caches ? 1 : 0);
    head_timer_.start(request.timeout, [this] {
      twinsock_js_fetch_abort(handle_);
      finish(errc::handshake_timeout, "no response head in time");
    });
  }

  ~BrowserHttpTransport() override {
    *alive_ = false;
    requests().remove(handle_);
    if (!ended_) twinsock_js_fetch_abort(handle_);
  }

  // fetch events, resolved through the registry.
  void head(int status, const char* headers_json) {
    head_timer_.cancel();
    got_head_ = true;
    Headers headers;
    nlohmann::json parsed;
    if (parse_json(headers_json, parsed, 2) == JsonParseError::none && parsed.is_array()) {
      for (const auto& pair : parsed) {
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
          headers.push_back({pair[0].get<std::string>(), pair[1].get<std::string>()});
      }
    }
    if (request_.trace) request_.trace("< " + std::to_string(status));
    events_.on_http_head(status, headers);
  }

  void data(const char* bytes, std::size_t size) {
    received_ += size;
    if (request_.max_body_bytes != 0 && received_ > request_.max_body_bytes) {
      twinsock_js_fetch_abort(handle_);
      return finish(errc::http_body_too_large, "response body larger than " + std::to_string(request_.max_body_bytes) + " bytes");
    }
    events_.on_http_data(bytes_view(reinterpret_cast<const std::uint8_t*>(bytes), size));
  }

  // fetch() rejects for a refused connection and for one lost in the middle of the body alike.
  void ended(bool failed, const char* detail) {
    if (failed && got_head_) return finish(errc::connection_reset, *detail ? detail : "the response was cut off");
    // Browsers say no more than "Failed to fetch" here; their console names the cause.
    if (failed)
      return finish(errc::connect_failed, std::string("the request failed (a network error, or refused by CORS or ") +
                                              "mixed-content rules: the console says which): " +
                                              (*detail ? detail : "fetch failed"));
    finish({}, "");
  }

 private:
  void end_later(std::error_code error, std::string detail) {
    ended_ = true;
    loop_.post([this, alive = alive_, error, detail = std::move(detail)] {
      if (*alive) events_.on_http_end(error, detail);
    });
  }

  void finish(std::error_code error, const std::string& detail) {
    if (ended_) return;
    ended_ = true;
    head_timer_.cancel();
    events_.on_http_end(error, detail);  // may destroy this
  }

  Loop& loop_;
  HttpResponseEvents& events_;
  HttpRequest request_;
  Timer head_timer_;
  std::uint32_t handle_;
  std::size_t received_ = 0;
  bool ended_ = false;
  bool got_head_ = false;  // a failure after it is a lost connection, not a failed connect
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace
}  // namespace twinsock::web

extern "C" {

EMSCRIPTEN_KEEPALIVE void twinsock_http_on_head(std::uint32_t handle, int status, const char* headers_json) {
  if (auto* r = twinsock::web::requests().find(handle)) r->head(status, headers_json);
}

EMSCRIPTEN_KEEPALIVE void twinsock_http_on_data(std::uint32_t handle, const char* data, std::size_t size) {
  if (auto* r = twinsock::web::requests().find(handle)) r->data(data, size);
}

EMSCRIPTEN_KEEPALIVE void twinsock_http_on_end(std::uint32_t handle, int failed, const char* detail) {
  if (auto* r = twinsock::web::requests().find(handle)) r->ended(failed != 0, detail);
}

}

namespace twinsock {

std::string platform_resolve_url(const std::string& url) {
  if (url.find("://") != std::string::npos) return url;  // absolute already
  char* page = twinsock_js_page_url();
  if (!page) return url;  // no page (Node): the caller reports the URL
  std::string absolute = resolve_url(page, url);
  std::free(page);
  return absolute;
}

bool platform_keeps_cookies() { return true; }
bool platform_follows_redirects() { return true; }

HttpTransportFactory platform_http_factory() {
  return [](Loop& loop, const HttpRequest& request, HttpResponseEvents& events) -> std::unique_ptr<HttpTransport> {
    return std::make_unique<web::BrowserHttpTransport>(loop, request, events);
  };
}

}  // namespace twinsock
