// Starts one of the Node reference servers in tests/servers/ for a test and
// stops it afterwards. The server prints {"port":N} once it listens.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace twinsock::testing {

class ServerProcess {
 public:
  /// Runs `node tests/servers/<script> [args...]` and waits (5 s at most) for its port.
  ServerProcess(const std::string& script, std::vector<std::string> args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& scheme, const std::string& path) const;
  /// Kills the server (SIGKILL: no goodbye frames) and waits for it.
  void kill_now();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace twinsock::testing
