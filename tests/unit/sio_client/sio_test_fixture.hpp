// Shared setup for sio::Manager / sio::Socket tests: a FakeLoop, a scripted
// Engine.IO + Socket.IO server over fake transports, and an event log.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/fake_loop.hpp"
#include "twinsock/error.hpp"
#include "twinsock/sio/manager.hpp"
#include "twinsock/sio/socket.hpp"
#include "unit/eio_client/fake_transports.hpp"

namespace twinsock::sio {

using namespace std::chrono_literals;
using testing::WsConn;

/// "0{...}" with the given settings (an Engine.IO open packet).
inline std::string eio_open(const std::string& sid = "e1", int interval = 25000, int timeout = 20000) {
  return "0{\"sid\":\"" + sid + "\",\"upgrades\":[],\"pingInterval\":" + std::to_string(interval) +
         ",\"pingTimeout\":" + std::to_string(timeout) + ",\"maxPayload\":1000000}";
}

/// The Socket.IO CONNECT answer for `nsp` ("0{...}" or "0/chat,{...}").
inline std::string sio_connect(const std::string& nsp, const std::string& sid, const std::string& pid = "") {
  std::string body = "{\"sid\":\"" + sid + "\"" + (pid.empty() ? "" : ",\"pid\":\"" + pid + "\"") + "}";
  return "0" + (nsp == "/" ? std::string() : nsp + ",") + body;
}

/// Everything the fixture needs; a plain struct so one test can make many (fail-at-step-N loops).
struct Harness {
  testing::FakeLoop loop;
  testing::FakeWsPeer ws;
  testing::FakeHttpPeer http;
  std::unique_ptr<Manager> mgr;
  std::vector<Subscription> subs;
  std::vector<std::string> log;

  ManagerOptions options() {
    ManagerOptions o;
    o.engine.transports = {"websocket"};
    o.engine.ws_factory = ws.factory();
    o.engine.http_factory = http.factory();
    o.randomization_factor = 0;  // exact delays: 1 s, 2 s, 4 s, 5 s...
    return o;
  }

  Manager& make(ManagerOptions o, std::string url = "http://example.com:3000") {
    mgr = std::make_unique<Manager>(loop, std::move(url), std::move(o));
    watch(*mgr);
    return *mgr;
  }
  Manager& make() { return make(options()); }

  void watch(Manager& m) {
    subs.push_back(m.on_open.on([this] { log.push_back("open"); }));
    subs.push_back(m.on_close.on([this](const std::string& r) { log.push_back("close:" + r); }));
    subs.push_back(m.on_error.on([this](std::error_code ec, const std::string&) {
      log.push_back("error:" + std::string(error_id(ec)));
    }));
    subs.push_back(m.on_ping.on([this] { log.push_back("ping"); }));
    subs.push_back(m.on_reconnect_attempt.on([this](std::uint32_t n) { log.push_back("reconnect_attempt:" + std::to_string(n)); }));
    subs.push_back(m.on_reconnect.on([this](std::uint32_t n) { log.push_back("reconnect:" + std::to_string(n)); }));
    subs.push_back(m.on_reconnect_error.on([this](std::error_code ec, const std::string&) {
      log.push_back("reconnect_error:" + std::string(error_id(ec)));
    }));
    subs.push_back(m.on_reconnect_failed.on([this] { log.push_back("reconnect_failed"); }));
  }

  void watch(Socket& s) {
    const std::string n = s.nsp();
    subs.push_back(s.on_connect.on([this, n] { log.push_back(n + " connect"); }));
    subs.push_back(s.on_disconnect.on([this, n](const std::string& r) { log.push_back(n + " disconnect:" + r); }));
    subs.push_back(s.on_connect_error.on([this, n](const ConnectError& e) { log.push_back(n + " connect_error:" + e.message); }));
  }

  int count(const std::string& entry) const {
    int c = 0;
    for (const auto& e : log) c += e == entry;
    return c;
  }
  int count_prefix(const std::string& prefix) const {
    int c = 0;
    for (const auto& e : log) c += e.rfind(prefix, 0) == 0;
    return c;
  }

  WsConn* conn() const { return ws.last(); }
  /// The server accepts the WebSocket and sends the Engine.IO handshake.
  void handshake(const std::string& sid = "e1", int interval = 25000, int timeout = 20000) {
    ASSERT_NE(conn(), nullptr);
    conn()->open();
    conn()->text(eio_open(sid, interval, timeout));
    loop.run_posted();
  }
  /// A Socket.IO packet from the server (Engine.IO message "4...").
  void server(const std::string& packet) {
    if (conn()) conn()->text("4" + packet);
    loop.run_posted();
  }
  void accept(const std::string& nsp, const std::string& sid, const std::string& pid = "") {
    server(sio_connect(nsp, sid, pid));
  }
  /// Socket.IO packets the client sent on `c` (default: the last connection).
  std::vector<std::string> sent(const WsConn* c = nullptr) const {
    if (!c) c = conn();
    std::vector<std::string> out;
    if (!c) return out;
    for (const auto& f : c->sent)
      if (!f.empty() && f[0] == '4') out.push_back(f.substr(1));
    return out;
  }
  /// Engine.IO frames other than messages ("3" pongs, "1" close).
  std::vector<std::string> control(const WsConn* c = nullptr) const {
    if (!c) c = conn();
    std::vector<std::string> out;
    if (!c) return out;
    for (const auto& f : c->sent)
      if (f.empty() || f[0] != '4') out.push_back(f);
    return out;
  }
  void advance(Duration d) { loop.advance(d); }
};

class SioTest : public ::testing::Test, public Harness {
 protected:
  void SetUp() override { eio::Socket::forget_prior_upgrade(); }
  void TearDown() override {
    // No timer may outlive the Manager (its engines are released on a later turn).
    mgr.reset();
    loop.run_posted();
    EXPECT_EQ(loop.timer_count(), 0u) << "timers left after the Manager was destroyed";
  }

  /// Manager + the URL's socket, connected (engine "e1", socket id "s1").
  Socket& connected(ManagerOptions o, const std::string& url = "http://example.com:3000") {
    Manager& m = make(std::move(o), url);
    Socket& s = m.socket();
    watch(s);
    loop.run_posted();
    handshake();
    accept(s.nsp(), "s1");
    EXPECT_TRUE(s.connected());
    return s;
  }
  Socket& connected() { return connected(options()); }

  /// "/" and "/chat" on one session (engine "e1"), /chat's CONNECT sent and not yet
  /// answered; "/" keeps the connection open whatever /chat does.
  Socket& chat_connect_in_flight() {
    Manager& m = make();
    m.socket();
    Socket& s = m.socket("/chat");
    watch(s);
    loop.run_posted();
    handshake();
    return s;
  }
};

}  // namespace twinsock::sio
