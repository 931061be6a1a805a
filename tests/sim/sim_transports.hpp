// Fake WebSocket and HTTP transports for the simulation, in the spirit of
// tests/unit/eio_client/fake_transports.hpp, with the whole lifecycle of each
// connection recorded (so invariants can count what is open, closing, ended or
// still held by the client) and the transport contracts enforced on our side:
// no event inside a client call, nothing after the end, nothing once destroyed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "twinsock/error.hpp"
#include "twinsock/http_transport.hpp"
#include "twinsock/ws/transport.hpp"

namespace twinsock::sim {

/// The connections (or requests) of one client, oldest first; links are never
/// revived, so walks skip the prefix the client has dropped.
template <typename Link>
class Links {
 public:
  /// Calls `fn` for every link the client still holds, oldest first.
  template <typename Fn>
  void each_held(Fn&& fn) {
    while (first_held_ < links.size() && !links[first_held_]->held) ++first_held_;
    for (std::size_t i = first_held_; i < links.size(); ++i)
      if (links[i]->held) fn(*links[i]);
  }
  std::size_t held() {
    std::size_t n = 0;
    each_held([&](Link&) { ++n; });
    return n;
  }
  std::size_t live() {
    std::size_t n = 0;
    each_held([&](Link& l) { n += l.live() ? 1 : 0; });
    return n;
  }
  /// The oldest link not ended yet, or nullptr.
  Link* first_live() {
    Link* found = nullptr;
    each_held([&](Link& l) {
      if (!found && l.live()) found = &l;
    });
    return found;
  }

  std::vector<std::unique_ptr<Link>> links;

 protected:
  Link& add() {
    links.push_back(std::make_unique<Link>());
    links.back()->id = static_cast<int>(links.size());
    return *links.back();
  }

 private:
  std::size_t first_held_ = 0;
};

/// One WebSocket connection the client asked for, seen from the server.
struct WsLink {
  int id = 0;
  ws::ConnectParams params;
  ws::TransportEvents* events = nullptr;
  bool held = true;             // the client still holds the transport object
  bool opened = false;          // on_transport_open delivered
  bool ended = false;           // on_transport_close delivered
  bool close_requested = false; // the client called close()
  std::vector<std::string> sent;  // text frames as is, binary ones prefixed "bin:"
  std::size_t read = 0;           // how much of `sent` the server has read
  int pings = 0;

  bool live() const { return held && !ended; }
  /// Open or opening, and not being closed by the client.
  bool active() const { return live() && !close_requested; }

  void open(std::string_view subprotocol = "") {
    if (!live() || opened) return;
    opened = true;
    events->on_transport_open(subprotocol);
  }
  void text(std::string s) {
    if (live() && opened) events->on_transport_message(ws::MessageType::text, std::move(s));
  }
  void pong() {
    if (live() && opened) events->on_transport_pong({});
  }
  void end(ws::CloseInfo info) {
    if (!live()) return;
    ended = true;
    events->on_transport_close(std::move(info));
  }
};

class WsNet : public Links<WsLink> {
 public:
  /// Called inside the factory, when the client makes an attempt.
  std::function<void(WsLink&)> on_attempt;
  bool ping_supported = true;

  ws::TransportFactory factory() {
    return [this](Loop&, const ws::ConnectParams& params, ws::TransportEvents& events) {
      WsLink& link = add();
      link.params = params;
      link.events = &events;
      if (on_attempt) on_attempt(link);
      return std::make_unique<Transport>(link, *this);
    };
  }
  std::size_t active() {
    std::size_t n = 0;
    each_held([&](WsLink& l) { n += l.active() ? 1 : 0; });
    return n;
  }

 private:
  class Transport final : public ws::Transport {
   public:
    Transport(WsLink& link, WsNet& net) : link_(link), net_(net) {}
    ~Transport() override { link_.held = false; }
    void send(ws::MessageType type, std::string_view data, bool) override {
      link_.sent.push_back((type == ws::MessageType::binary ? "bin:" : "") + std::string(data));
    }
    bool ping(bytes_view) override {
      ++link_.pings;
      return net_.ping_supported;
    }
    void close(std::uint16_t, std::string_view) override { link_.close_requested = true; }
    std::size_t buffered_amount() const override { return 0; }

   private:
    WsLink& link_;
    WsNet& net_;
  };
};

/// One HTTP request the client made, seen from the server.
struct HttpLink {
  int id = 0;
  HttpRequest request;
  HttpResponseEvents* events = nullptr;
  bool held = true;    // the client still holds the transport (destroying it cancels)
  bool ended = false;  // on_http_end delivered
  bool head_sent = false;
  bool seen = false;   // the server has read the request

  bool live() const { return held && !ended; }
  bool head(int status, const Headers& headers) {
    if (!live() || head_sent) return false;
    head_sent = true;
    events->on_http_head(status, headers);
    return live();
  }
  bool data(std::string_view chunk) {
    if (!live() || !head_sent) return false;
    events->on_http_data(as_bytes(chunk));
    return live();
  }
  void end(std::error_code ec = {}, std::string detail = {}) {
    if (!live()) return;
    ended = true;
    events->on_http_end(ec, detail);
  }
  /// A whole response; stops where the client drops the request.
  void reply(int status, std::string_view body, Headers headers = {{"Content-Type", "text/plain; charset=UTF-8"}}) {
    if (head(status, headers) && data(body)) end();
  }
};

class HttpNet : public Links<HttpLink> {
 public:
  std::function<void(HttpLink&)> on_request;

  HttpTransportFactory factory() {
    return [this](Loop&, const HttpRequest& request, HttpResponseEvents& events) {
      HttpLink& link = add();
      link.request = request;
      link.events = &events;
      if (on_request) on_request(link);
      return std::make_unique<Transport>(link);
    };
  }

 private:
  class Transport final : public HttpTransport {
   public:
    explicit Transport(HttpLink& link) : link_(link) {}
    ~Transport() override { link_.held = false; }

   private:
    HttpLink& link_;
  };
};

}  // namespace twinsock::sim
