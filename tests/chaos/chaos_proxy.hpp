// Drives the fault-injecting TCP proxy (tests/chaos/proxy.mjs) from a C++ test:
// the proxy runs as a child process (a ServerProcess with a command channel),
// forwards 127.0.0.1:port() to the target, and applies each command at once.
// Every command waits for the proxy's answer, so the fault is in place when the
// call returns. A failed command is a test failure (GoogleTest ADD_FAILURE).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "server_process.hpp"

namespace twinsock::testing {

struct ProxyStats {
  std::uint64_t connections = 0;  // accepted so far
  std::uint64_t open = 0;         // links alive now
  std::uint64_t bytes_up = 0;     // client -> server, forwarded
  std::uint64_t bytes_down = 0;   // server -> client, forwarded
  std::uint64_t cuts = 0;         // links ended by cut, reset or cutAfterBytes
};

class ChaosProxy {
 public:
  /// Starts a proxy on a free loopback port forwarding to 127.0.0.1:target_port.
  explicit ChaosProxy(std::uint16_t target_port);

  bool ok() const { return process_.ok(); }
  std::uint16_t port() const { return process_.port(); }
  /// http://127.0.0.1:<proxy port><path> (or another scheme).
  std::string url(const std::string& scheme, const std::string& path) const { return process_.url(scheme, path); }

  void cut();    // FIN every open connection
  void reset();  // RST every open connection
  void stall(bool on);  // black-hole both directions (new connections too), no FIN
  void latency(int ms, int jitter_ms);
  void split(bool on);  // forward one byte per write
  /// Each new connection is cut after `bytes` in that direction ("up" or "down"); 0 disables.
  void cut_after_bytes(std::uint64_t bytes, const std::string& direction);
  void cut_every(int ms);  // 0 disables
  void fail_upgrade(bool on);  // WebSocket upgrade requests are cut halfway
  void refuse(bool on);
  ProxyStats stats();

  /// Sends one command object; returns the answer (`{"ok":false,...}` on failure).
  nlohmann::json command(const nlohmann::json& cmd);

 private:
  ServerProcess process_;
};

}  // namespace twinsock::testing
