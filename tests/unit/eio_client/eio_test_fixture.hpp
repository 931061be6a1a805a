// Shared setup for eio::Socket tests: a FakeLoop, fake peers and an event log.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fake_transports.hpp"
#include "support/fake_loop.hpp"
#include "twinsock/eio/cookie_jar.hpp"
#include "twinsock/eio/socket.hpp"
#include "twinsock/error.hpp"

namespace twinsock::eio {

/// "0{...}" with the given settings.
inline std::string open_packet(std::string sid = "abc", std::string upgrades = "[]", int interval = 25000,
                               int timeout = 20000, long long max_payload = 1000000) {
  return "0{\"sid\":\"" + sid + "\",\"upgrades\":" + upgrades + ",\"pingInterval\":" + std::to_string(interval) +
         ",\"pingTimeout\":" + std::to_string(timeout) + ",\"maxPayload\":" + std::to_string(max_payload) + "}";
}

class EioTest : public ::testing::Test {
 protected:
  void SetUp() override { Socket::forget_prior_upgrade(); }

  SocketOptions options() {
    SocketOptions o;
    o.http_factory = http.factory();
    o.ws_factory = ws.factory();
    return o;
  }

  /// Creates the socket, records its events and opens it (the first request goes out).
  Socket& make(SocketOptions o, std::string url = "http://example.com:3000") {
    socket = std::make_unique<Socket>(loop, std::move(url), std::move(o));
    attach(*socket);
    socket->open();
    loop.run_posted();
    return *socket;
  }

  void attach(Socket& s) {
    subs.push_back(s.on_open.on([this](const HandshakeInfo& h) { log.push_back("open:" + h.sid); }));
    subs.push_back(s.on_message.on([this](const Message& m) {
      log.push_back(std::string(m.binary ? "bin:" : "msg:") + m.data);
    }));
    subs.push_back(s.on_ping.on([this] { log.push_back("ping"); }));
    subs.push_back(s.on_upgrade.on([this](const std::string& t) { log.push_back("upgrade:" + t); }));
    subs.push_back(s.on_error.on([this](std::error_code ec, const std::string& detail) {
      log.push_back("error:" + std::string(error_id(ec)));
      last_error_detail = detail;
    }));
    subs.push_back(s.on_upgrade_error.on([this](std::error_code ec, const std::string& detail) {
      log.push_back("upgrade_error:" + std::string(error_id(ec)));
      last_error_detail = detail;
    }));
    subs.push_back(s.on_close.on([this](const std::string& reason, std::error_code ec) {
      log.push_back("close:" + reason);
      close_ec = ec;
      ++closes;
    }));
  }

  /// Opens a polling session: answers the handshake GET.
  Socket& open_polling(std::string handshake = open_packet(), SocketOptions o = {}) {
    if (!o.http_factory) o = options();
    Socket& s = make(std::move(o));
    testing::HttpCall* get = http.pending("GET");
    EXPECT_NE(get, nullptr);
    if (get) get->ok(handshake);
    loop.run_posted();
    return s;
  }

  /// Opens a websocket-only session.
  Socket& open_websocket(std::string handshake = open_packet()) {
    SocketOptions o = options();
    o.transports = {"websocket"};
    Socket& s = make(std::move(o));
    EXPECT_NE(ws.last(), nullptr);
    ws.last()->open();
    ws.last()->text(std::move(handshake));
    loop.run_posted();
    return s;
  }

  bool logged(const std::string& entry) const {
    for (const auto& e : log)
      if (e == entry) return true;
    return false;
  }

  testing::FakeLoop loop;
  testing::FakeHttpPeer http;
  testing::FakeWsPeer ws;
  std::vector<Subscription> subs;
  std::vector<std::string> log;
  std::string last_error_detail;
  std::error_code close_ec;
  int closes = 0;
  std::unique_ptr<Socket> socket;
};

}  // namespace twinsock::eio
