// The WebSocket transport of the web platform: the browser's WebSocket (or,
// in Node, the `ws` package the npm facade provides as Module.WebSocket).
//
// Framing, pings and the close handshake belong to the browser here. What it
// cannot do is refused with errc::not_supported rather than silently skipped:
// handshake headers (unless the caller marked them optional), TLS options,
// proxies. Pings: ping() returns false (browsers answer the server's pings
// themselves but cannot send one).
#include <emscripten.h>

#include <nlohmann/json.hpp>

#include "browser_limits.hpp"
#include "codec/json/writer.hpp"
#include "handle_registry.hpp"
#include "js_api.hpp"
#include "twinsock/error.hpp"
#include "twinsock/ws/transport.hpp"

namespace twinsock::web {
namespace {

class BrowserWsTransport;

detail::HandleRegistry<BrowserWsTransport>& sockets() {
  static detail::HandleRegistry<BrowserWsTransport> registry;
  return registry;
}

std::string unsupported_option(const ws::ConnectParams& params, bool takes_headers) {
  if (!params.headers.empty() && !params.headers_optional && !takes_headers)
    return "browsers cannot set WebSocket handshake headers";
  return detail::browser_refuses(params.tls, params.proxy);
}

class BrowserWsTransport final : public ws::Transport {
 public:
  BrowserWsTransport(Loop& loop, const ws::ConnectParams& params, ws::TransportEvents& events)
      : loop_(loop), events_(events), trace_(params.trace), max_message_size_(params.max_message_size),
        close_timeout_(params.close_timeout), close_timer_(loop), handle_(sockets().add(this)) {
    // Node's `ws` takes handshake headers (extraHeaders, cookies); a browser's WebSocket does not.
    const bool takes_headers = twinsock_js_ws_takes_headers() != 0;
    if (std::string why = unsupported_option(params, takes_headers); !why.empty()) {
      fail_later({.code = 1006, .error = errc::not_supported, .detail = why});
      return;
    }
    if (trace_ && !params.headers.empty() && !takes_headers) trace_("handshake headers not sent: browsers cannot set them");
    if (trace_) trace_("WebSocket " + params.url);
    std::string protocols, headers = "[]";
    write_json(nlohmann::json(params.subprotocols), protocols);
    if (takes_headers && !params.headers.empty()) {
      nlohmann::json list = nlohmann::json::array();
      for (const Header& h : params.headers) list.push_back({h.name, h.value});
      headers.clear();
      write_json(list, headers);
    }
    if (twinsock_js_ws_open(handle_, params.url.c_str(), protocols.c_str(), headers.c_str(),
                            static_cast<double>(max_message_size_)) < 0) {
      fail_later({.code = 1006, .error = errc::not_supported,
                  .detail = "no WebSocket implementation (in Node 20, install the `ws` package)"});
    }
  }

  ~BrowserWsTransport() override {
    *alive_ = false;
    sockets().remove(handle_);
    twinsock_js_ws_release(handle_, 0);
  }

  void send(ws::MessageType type, std::string_view data, bool) override {
    if (closed_) return;
    twinsock_js_ws_send(handle_, type == ws::MessageType::binary ? 1 : 0, data.data(), data.size());
  }

  bool ping(bytes_view) override { return false; }

  void close(std::uint16_t code, std::string_view reason) override {
    if (closed_) return;
    const std::string text(reason);
    twinsock_js_ws_close(handle_, code, text.c_str());
    // A server that never answers the close frame: Node's `ws` would wait 30 s, a
    // browser longer. The connection is let go, as the native transport does.
    if (close_timeout_.count() > 0 && !close_timer_.armed()) {
      close_timer_.start(close_timeout_, [this] {
        if (closed_) return;
        closed_ = true;
        twinsock_js_ws_release(handle_, 1);
        if (trace_) trace_("close timeout: no close frame from the server");
        events_.on_transport_close({.code = 1006, .error = errc::close_timeout, .detail = "no close frame from the server"});
      });
    }
  }

  std::size_t buffered_amount() const override {
    return static_cast<std::size_t>(twinsock_js_ws_buffered_amount(handle_));
  }

  // Browser events, resolved through the registry.
  void opened(std::string_view protocol) {
    opened_ = true;
    if (trace_) trace_("open, protocol \"" + std::string(protocol) + "\"");
    events_.on_transport_open(protocol);
  }
  void message(bool binary, std::string&& data, std::size_t size) {
    if (failed_) return;
    if (max_message_size_ != 0 && size > max_message_size_) {
      // The browser has reassembled the whole message: the limit is enforced here, as the
      // native decoder does: it closes with 1009 (Node's `ws` sends it; browsers refuse it
      // from scripts and close without a code). Reported once, as ws_message_too_big.
      failed_ = true;
      twinsock_js_ws_close(handle_, 1009, "");
      const std::error_code ec = errc::ws_message_too_big;
      fail_later({.code = 1006, .error = ec, .detail = ec.message()});
      return;
    }
    events_.on_transport_message(binary ? ws::MessageType::binary : ws::MessageType::text, std::move(data));
  }
  void closed(int code, std::string reason, bool was_clean, bool failed, int http_status, std::string detail) {
    closed_ = true;
    close_timer_.cancel();
    if (failed_) return;  // already reported (message too big)
    ws::CloseInfo info{.code = static_cast<std::uint16_t>(code), .reason = std::move(reason), .was_clean = was_clean};
    if (!opened_ && http_status) {  // Node's `ws` tells the status of a refused upgrade; browsers do not
      info.error = errc::ws_handshake_bad_status;
      info.detail = "server answered HTTP " + std::to_string(http_status);
    } else if (!opened_) {
      // Browsers hide why a connection failed (refused, DNS, TLS, a bad status).
      info.error = errc::connect_failed;
      info.detail = detail.empty() ? "the WebSocket connection could not be opened" : std::move(detail);
    } else if (!was_clean) {
      info.error = errc::connection_closed;
      info.detail = failed && !detail.empty() ? std::move(detail) : "the connection was lost";
    }
    if (trace_) trace_("close " + std::to_string(code) + (info.detail.empty() ? "" : " (" + info.detail + ")"));
    events_.on_transport_close(std::move(info));
  }

 private:
  void fail_later(ws::CloseInfo info) {
    closed_ = true;
    loop_.post([this, alive = alive_, info = std::move(info)]() mutable {
      if (*alive) events_.on_transport_close(std::move(info));
    });
  }

  Loop& loop_;
  ws::TransportEvents& events_;
  std::function<void(std::string_view)> trace_;
  std::size_t max_message_size_;
  Duration close_timeout_;
  Timer close_timer_;
  std::uint32_t handle_;
  bool opened_ = false;
  bool failed_ = false;  // a limit was exceeded: the close is reported by fail_later, once
  bool closed_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace
}  // namespace twinsock::web

extern "C" {

EMSCRIPTEN_KEEPALIVE void twinsock_ws_on_open(std::uint32_t handle, const char* protocol) {
  if (auto* t = twinsock::web::sockets().find(handle)) t->opened(protocol);
}

EMSCRIPTEN_KEEPALIVE void twinsock_ws_on_message(std::uint32_t handle, int binary, const char* data, std::size_t size) {
  // No data: a message over the limit, reported by its size (see twinsock_js_ws_open).
  if (auto* t = twinsock::web::sockets().find(handle))
    t->message(binary != 0, data ? std::string(data, size) : std::string(), size);
}

EMSCRIPTEN_KEEPALIVE void twinsock_ws_on_close(std::uint32_t handle, int code, const char* reason, int was_clean,
                                               int failed, int http_status, const char* detail) {
  // A WebSocket that could not even be created has no reason: JavaScript passes null.
  if (auto* t = twinsock::web::sockets().find(handle))
    t->closed(code, reason ? reason : "", was_clean != 0, failed != 0, http_status, detail ? detail : "");
}

}

namespace twinsock::ws {

TransportFactory platform_transport_factory() {
  return [](Loop& loop, const ConnectParams& params, TransportEvents& events) -> std::unique_ptr<Transport> {
    return std::make_unique<web::BrowserWsTransport>(loop, params, events);
  };
}

}  // namespace twinsock::ws
