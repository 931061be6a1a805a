// The native HTTP transport: one request over a fresh connection (TCP or TLS,
// maybe through a proxy), the response streamed through our HTTP/1.1 parser.
// Used by the SSE client and by Engine.IO long-polling.
#include <optional>

#include "codec/http/limits.hpp"
#include "codec/http/message.hpp"
#include "codec/http/request.hpp"
#include "codec/http/response_parser.hpp"
#include "codec/url/url.hpp"
#include "connector.hpp"
#include "proxy_env.hpp"
#include "tls_cache.hpp"
#include "twinsock/error.hpp"
#include "twinsock/http_transport.hpp"

namespace twinsock::native {
namespace {

class NativeHttpTransport final : public HttpTransport, private StreamHandler {
 public:
  NativeHttpTransport(PollLoop& loop, const HttpRequest& request, HttpResponseEvents& events)
      : loop_(loop),
        request_(request),
        events_(events),
        parser_(http::response_limits(request.http_limits, request.max_body_bytes)),
        head_timer_(loop) {
    loop_.post([this, alive = alive_] {
      if (*alive) start();
    });
  }
  ~NativeHttpTransport() override { *alive_ = false; }

 private:
  void start() {
    if (auto ec = url::parse(request_.url, url_)) return end(ec, "bad URL: " + request_.url);
    if (url_.scheme != "http" && url_.scheme != "https") {
      // ws:// and wss:// name the same endpoints over HTTP (Engine.IO uses both).
      url_ = url_.with_http_scheme();
    }
    std::optional<ProxySettings> proxy;
    if (auto ec = proxy_for(url_, request_.proxy, proxy)) return end(ec, "bad proxy URL");
    ConnectRequest connect{.host = url_.host, .port = url_.port, .tls = url_.secure(), .proxy = proxy,
                           .timeout = request_.timeout};
    if (connect.tls) {
      std::error_code ec;
      std::string detail;
      connect.tls_context = tls_context_for(request_.tls, ec, detail);
      if (ec) return end(ec, detail);
    }
    head_timer_.start(request_.timeout, [this] {
      end(errc::handshake_timeout, "no response head within " + std::to_string(request_.timeout.count()) + " ms");
    });
    connector_ = std::make_unique<Connector>(loop_);
    connector_->start(std::move(connect), [this](std::error_code ec, std::unique_ptr<Stream> stream, std::string detail) {
      connector_.reset();
      if (ec) return end(ec, detail);
      stream_ = std::move(stream);
      send_request();
    });
  }

  void send_request() {
    http::Request request{.method = request_.method, .target = url_.target()};
    request.headers.push_back({"Host", url_.host_for_header()});
    // Credentials in the URL are Basic authentication, as for the WebSocket handshake
    // (and curl); a header the user set wins.
    if (url_.has_userinfo() && !find_header(request_.headers, "authorization"))
      request.headers.push_back({"Authorization", http::basic_auth(url_.decoded_username(), url_.decoded_password())});
    request.headers.insert(request.headers.end(), request_.headers.begin(), request_.headers.end());
    if (!request_.body.empty() && !find_header(request_.headers, "content-type"))
      request.headers.push_back({"Content-Type", "text/plain;charset=UTF-8"});
    if (request_.bypass_caches && !find_header(request_.headers, "cache-control"))
      request.headers.push_back({"Cache-Control", "no-cache"});
    request.body = request_.body;
    std::string text;
    if (auto ec = http::write_request(request, text)) return end(ec, "invalid request header or target");
    parser_.set_head_request(request_.method == "HEAD");
    if (request_.trace) {
      const std::string head = text.substr(0, text.find("\r\n\r\n"));
      std::size_t start = 0;
      while (start < head.size()) {
        std::size_t end = head.find("\r\n", start);
        if (end == std::string::npos) end = head.size();
        request_.trace("> " + head.substr(start, end - start));
        start = end + 2;
      }
    }
    stream_->set_handler(this);
    stream_->write(as_bytes(text));
  }

  void on_stream_data(bytes_view data) override {
    if (auto ec = parser_.feed(data)) return end(ec, std::string(ec.message()));
    drain();
  }

  void drain() {
    auto alive = alive_;
    for (;;) {
      const http::Event event = parser_.next();
      switch (event.kind) {
        case http::EventKind::need_data: return;
        case http::EventKind::head:
          // Interim (1xx) heads keep the timer running: endless ones cannot hold the request open.
          if (parser_.head().status >= 100 && parser_.head().status < 200) break;
          head_timer_.cancel();
          if (request_.trace) {
            request_.trace("< HTTP/1." + std::to_string(parser_.head().version_minor) + " " +
                           std::to_string(parser_.head().status) + " " + parser_.head().reason);
            for (const auto& h : parser_.head().headers) request_.trace("< " + h.name + ": " + h.value);
          }
          // No Accept-Encoding goes out, so a coded body would reach the parser unreadable.
          if (const std::string* coding = find_header(parser_.head().headers, "content-encoding");
              coding && !http::iequals(http::trim_ows(*coding), "identity"))
            return end(errc::http_content_encoding, "Content-Encoding: " + *coding + " (this client decodes none)");
          {
            // A copy: the listener may destroy this transport (and its parser) while it reads them.
            const Headers headers = parser_.head().headers;
            events_.on_http_head(parser_.head().status, headers);
          }
          if (!*alive) return;
          break;
        case http::EventKind::body:
          events_.on_http_data(event.data);
          if (!*alive) return;
          break;
        case http::EventKind::message_end:
          if (parser_.head().status < 200) break;  // an interim response ended: the final one follows
          return end({}, "");
        case http::EventKind::closed:  // before any response: one request per connection here
          return end(errc::connection_closed, closed_without_response(url_.secure()));
        case http::EventKind::upgrade: return end(errc::http_bad_status_line, "unexpected 101 response");
        case http::EventKind::error: return end(event.error, http::describe_error(event.error, parser_.limits()));
      }
    }
  }

  void on_stream_closed(std::error_code ec) override {
    stream_.reset();
    if (ec != errc::connection_closed) return end(ec, std::string(ec.message()));
    parser_.finish();  // EOF ends a close-delimited body, or truncates anything else
    auto alive = alive_;
    drain();
    if (*alive) end(errc::http_truncated, "connection closed before the response ended");
  }

  void end(std::error_code ec, const std::string& detail) {
    if (ended_) return;
    ended_ = true;
    head_timer_.cancel();
    connector_.reset();
    stream_.reset();
    events_.on_http_end(ec, detail);  // may destroy this
  }

  PollLoop& loop_;
  HttpRequest request_;
  HttpResponseEvents& events_;
  url::Url url_;
  http::ResponseParser parser_;
  Timer head_timer_;
  std::unique_ptr<Connector> connector_;
  std::unique_ptr<Stream> stream_;
  bool ended_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace
}  // namespace twinsock::native

namespace twinsock {

std::string platform_resolve_url(const std::string& url) { return url; }

bool platform_keeps_cookies() { return false; }
bool platform_follows_redirects() { return false; }

HttpTransportFactory platform_http_factory() {
  return [](Loop& loop, const HttpRequest& request, HttpResponseEvents& events) -> std::unique_ptr<HttpTransport> {
    return std::make_unique<native::NativeHttpTransport>(static_cast<native::PollLoop&>(loop), request, events);
  };
}

}  // namespace twinsock
