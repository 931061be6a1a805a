// A scriptable ws::Transport: the test plays the server's side by calling
// open(), message(), close_from_server(); the client's calls are recorded.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "twinsock/ws/transport.hpp"

namespace twinsock::testing {

class FakeWsTransport;

struct FakeWsServer {
  std::vector<ws::ConnectParams> attempts;         // every connection attempt
  FakeWsTransport* current = nullptr;               // the live transport, if any
  ws::TransportFactory factory();
};

class FakeWsTransport final : public ws::Transport {
 public:
  FakeWsTransport(Loop& loop, ws::TransportEvents& events, FakeWsServer& server)
      : loop_(loop), events_(events), server_(server) {}
  ~FakeWsTransport() override {
    if (server_.current == this) server_.current = nullptr;
  }

  // The client's side.
  void send(ws::MessageType type, std::string_view data, bool) override {
    sent.push_back({type == ws::MessageType::binary ? "bin:" : "", std::string(data)});
  }
  bool ping(bytes_view) override {
    ++pings;
    return ping_supported;
  }
  void close(std::uint16_t code, std::string_view reason) override {
    close_calls.push_back({code, std::string(reason)});
  }
  std::size_t buffered_amount() const override { return buffered; }

  // The server's side (each delivered as from a fresh loop turn).
  void open(std::string_view subprotocol = "") { events_.on_transport_open(subprotocol); }
  void message(std::string text) { events_.on_transport_message(ws::MessageType::text, std::move(text)); }
  void pong() { events_.on_transport_pong({}); }
  void close_from_server(ws::CloseInfo info) { events_.on_transport_close(std::move(info)); }

  struct Sent {
    std::string kind;
    std::string data;
  };
  std::vector<Sent> sent;
  std::vector<std::pair<std::uint16_t, std::string>> close_calls;
  int pings = 0;
  bool ping_supported = true;
  std::size_t buffered = 0;

 private:
  Loop& loop_;
  ws::TransportEvents& events_;
  FakeWsServer& server_;
};

inline ws::TransportFactory FakeWsServer::factory() {
  return [this](Loop& loop, const ws::ConnectParams& params, ws::TransportEvents& events) {
    attempts.push_back(params);
    auto transport = std::make_unique<FakeWsTransport>(loop, events, *this);
    current = transport.get();
    return transport;
  };
}

}  // namespace twinsock::testing
