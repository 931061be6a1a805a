// Scriptable HTTP and WebSocket transports for eio::Socket tests: every request
// or connection the client makes is recorded (and outlives the transport object);
// the test plays the server through the record.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "twinsock/error.hpp"
#include "twinsock/http_transport.hpp"
#include "twinsock/ws/transport.hpp"

namespace twinsock::testing {

class EioFakeHttp;

/// One HTTP request the client made.
struct HttpCall {
  HttpRequest request;
  HttpResponseEvents* events = nullptr;
  EioFakeHttp* live = nullptr;  // null once answered or cancelled by the client
  bool cancelled = false;

  bool is_get() const { return request.method == "GET"; }
  /// Answers the whole response: head, body, end (stops if the client drops it midway).
  void reply(int status, std::string_view body, Headers headers = {{"Content-Type", "text/plain; charset=UTF-8"}});
  void ok(std::string_view body) { reply(200, body); }
  void fail(std::error_code ec = errc::connection_reset, std::string detail = "reset");
};

class EioFakeHttp final : public HttpTransport {
 public:
  explicit EioFakeHttp(HttpCall& call) : call_(call) {}
  ~EioFakeHttp() override {
    if (call_.live == this) {
      call_.live = nullptr;
      call_.cancelled = true;
    }
  }

 private:
  HttpCall& call_;
};

inline void HttpCall::reply(int status, std::string_view body, Headers headers) {
  if (!live) return;
  HttpResponseEvents* ev = events;
  ev->on_http_head(status, headers);
  if (!live) return;
  ev->on_http_data(as_bytes(body));
  if (!live) return;
  live = nullptr;  // the transport is done: destroying it now is not a cancel
  ev->on_http_end({}, "");
}

inline void HttpCall::fail(std::error_code ec, std::string detail) {
  if (!live) return;
  live = nullptr;
  events->on_http_end(ec, detail);
}

inline std::string header_of_or(const HttpRequest& r, std::string_view name) {
  const std::string* v = find_header(r.headers, name);
  return v ? *v : "<none>";
}

struct FakeHttpPeer {
  std::vector<std::unique_ptr<HttpCall>> calls;

  HttpTransportFactory factory() {
    return [this](Loop&, const HttpRequest& request, HttpResponseEvents& events) {
      calls.push_back(std::make_unique<HttpCall>());
      HttpCall& call = *calls.back();
      call.request = request;
      call.events = &events;
      auto transport = std::make_unique<EioFakeHttp>(call);
      call.live = transport.get();
      return transport;
    };
  }

  std::vector<HttpCall*> live(std::string_view method) const {
    std::vector<HttpCall*> out;
    for (const auto& c : calls)
      if (c->live && c->request.method == method) out.push_back(c.get());
    return out;
  }
  /// The one live request of `method`, or nullptr.
  HttpCall* pending(std::string_view method) const {
    auto l = live(method);
    return l.size() == 1 ? l[0] : nullptr;
  }
  std::vector<const HttpCall*> all(std::string_view method) const {
    std::vector<const HttpCall*> out;
    for (const auto& c : calls)
      if (c->request.method == method) out.push_back(c.get());
    return out;
  }
};

class EioFakeWs;

/// One WebSocket connection attempt.
struct WsConn {
  ws::ConnectParams params;
  ws::TransportEvents* events = nullptr;
  EioFakeWs* live = nullptr;
  std::vector<std::string> sent;  // text frames as is; binary ones prefixed "bin:"
  std::vector<std::uint16_t> close_calls;
  /// A peer that does not read: what the client sends stays in its buffered_amount().
  bool stalled = false;
  std::size_t unsent = 0;

  void open() {
    if (live) events->on_transport_open("");
  }
  void text(std::string s) {
    if (live) events->on_transport_message(ws::MessageType::text, std::move(s));
  }
  void binary(std::string s) {
    if (live) events->on_transport_message(ws::MessageType::binary, std::move(s));
  }
  void drop(ws::CloseInfo info = {.code = 1006, .error = errc::connection_reset, .detail = "reset"}) {
    if (!live) return;
    live = nullptr;
    events->on_transport_close(std::move(info));
  }
  /// The client asked to close: the peer completes it.
  void finish_close() { drop({.code = 1000, .was_clean = true}); }
};

class EioFakeWs final : public ws::Transport {
 public:
  explicit EioFakeWs(WsConn& conn) : conn_(conn) {}
  ~EioFakeWs() override {
    if (conn_.live == this) conn_.live = nullptr;
  }
  void send(ws::MessageType type, std::string_view data, bool) override {
    conn_.sent.push_back((type == ws::MessageType::binary ? "bin:" : "") + std::string(data));
    if (conn_.stalled) conn_.unsent += data.size();
  }
  bool ping(bytes_view) override { return true; }
  void close(std::uint16_t code, std::string_view) override { conn_.close_calls.push_back(code); }
  std::size_t buffered_amount() const override { return conn_.unsent; }

 private:
  WsConn& conn_;
};

struct FakeWsPeer {
  std::vector<std::unique_ptr<WsConn>> conns;

  ws::TransportFactory factory() {
    return [this](Loop&, const ws::ConnectParams& params, ws::TransportEvents& events) {
      conns.push_back(std::make_unique<WsConn>());
      WsConn& conn = *conns.back();
      conn.params = params;
      conn.events = &events;
      auto transport = std::make_unique<EioFakeWs>(conn);
      conn.live = transport.get();
      return transport;
    };
  }
  WsConn* last() const { return conns.empty() ? nullptr : conns.back().get(); }
};

}  // namespace twinsock::testing
