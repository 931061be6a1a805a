// The fixture of the Socket.IO chaos scenarios: tests/servers/chaos-sio-server.mjs
// (pingInterval 300, pingTimeout 200, connection state recovery on) behind the
// chaos proxy, and a log of what the app sees.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "chaos_proxy.hpp"
#include "chaos_support.hpp"
#include "run_until.hpp"
#include "server_process.hpp"
#include "twinsock/eio/socket.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sio/manager.hpp"

namespace twinsock::testing {

/// What the app sees of one Socket: connects, disconnects (with reasons), outages.
struct SessionLog {
  int connects = 0;
  int recovered = 0;  // connects that restored the session
  std::vector<std::string> disconnects;
  Outages outages;
  std::vector<Subscription> subs;

  void attach(sio::Socket& s) {
    subs.push_back(s.on_connect.on([this, &s] {
      ++connects;
      if (s.recovered()) ++recovered;
      outages.up();
    }));
    subs.push_back(s.on_disconnect.on([this](const std::string& reason) {
      disconnects.push_back(reason);
      outages.down();
    }));
  }
};

/// A Manager, the socket of its URL's namespace, and what the app sees of it:
/// `auto& [io, s, log] = client;`.
struct SioClient {
  SioClient(Loop& loop, const std::string& url, sio::ManagerOptions options)
      : io(loop, url, std::move(options)), socket(io.socket()) {
    log.attach(socket);
  }
  sio::Manager io;
  sio::Socket& socket;
  SessionLog log;
};

class SioChaos : public ::testing::Test {
 protected:
  void SetUp() override {
    eio::Socket::forget_prior_upgrade();
    ASSERT_TRUE(server->ok()) << "could not start tests/servers/chaos-sio-server.mjs";
    ASSERT_TRUE(proxy->ok()) << "could not start tests/chaos/proxy.mjs";
  }

  /// Quick reconnection (socket.io-client's 1 s..5 s would make every outage slow).
  static sio::ManagerOptions options(std::vector<std::string> transports = {"polling", "websocket"}) {
    sio::ManagerOptions o;
    o.reconnection_delay = std::chrono::milliseconds(20);
    o.reconnection_delay_max = std::chrono::milliseconds(100);
    o.engine.transports = std::move(transports);
    o.engine.request_timeout = std::chrono::milliseconds(3000);  // a request lost in a stall fails in time
    return o;
  }

  /// For tests that lift their fault before the first reconnection attempt.
  static sio::ManagerOptions unhurried_options() {
    sio::ManagerOptions o = options();
    o.reconnection_delay = std::chrono::milliseconds(200);
    o.randomization_factor = 0;
    return o;
  }

  std::string url() const { return proxy->url("http", "/"); }

  /// Waits until the client is connected and upgraded to WebSocket; returns its
  /// heartbeat window (pingInterval + pingTimeout), zero when that never happens.
  Duration connect_on_websocket(SioClient& client) {
    if (!wait_connected(client.socket) || !wait_websocket(client.io)) return Duration(0);
    const eio::HandshakeInfo& hs = client.io.engine()->handshake();
    return hs.ping_interval + hs.ping_timeout;
  }

  bool wait_connected(sio::Socket& s, std::chrono::milliseconds bound = std::chrono::seconds(15)) {
    return run_until(loop, [&] { return s.connected(); }, bound);
  }
  bool wait_websocket(sio::Manager& io) {
    return run_until(loop, [&] { return io.engine() && io.engine()->transport_name() == "websocket"; });
  }

  std::unique_ptr<ServerProcess> server = std::make_unique<ServerProcess>("chaos-sio-server.mjs");
  std::unique_ptr<ChaosProxy> proxy = std::make_unique<ChaosProxy>(server->port());
  native::PollLoop loop;
};

}  // namespace twinsock::testing
