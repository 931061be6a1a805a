// Starts one of the Node reference servers in tests/servers/ for a test and
// stops it afterwards. The server prints {"port":N} once it listens.
// With Stdio::command_channel the child's stdin is a pipe too, so a test can
// drive it line by line (the chaos proxy of tests/chaos reads commands there).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinsock::testing {

class ServerProcess {
 public:
  enum class Stdio { port_only, command_channel };

  /// Runs `node tests/servers/<script> [args...]` and waits (5 s at most) for its port.
  /// A script path starting with '/' is used as it is.
  ServerProcess(const std::string& script, std::vector<std::string> args = {}, Stdio stdio = Stdio::port_only);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& scheme, const std::string& path) const;
  /// Kills the server (SIGKILL: no goodbye frames) and waits for it.
  void kill_now();

  /// Command channel: writes `line` and a newline to the child's stdin.
  bool write_line(std::string_view line);
  /// Command channel: the next line the child prints after its port line, or
  /// nullopt when none comes within `bound` (or the child exited).
  std::optional<std::string> read_line(std::chrono::milliseconds bound);

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stdin_fd_ = -1;
  std::string pending_;  // read from stdout but not yet returned
  std::uint16_t port_ = 0;
};

}  // namespace twinsock::testing
