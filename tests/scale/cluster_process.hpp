// Runs tests/scale/cluster.mjs (redis-server, Socket.IO nodes "A" and "B" sharing rooms
// through the redis adapter, nginx with sticky sessions in front) for one test and
// talks to it: one JSON command line in, one JSON answer line out.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace twinsock::testing {

enum class Sticky { ip_hash, cookie };

const char* sticky_name(Sticky sticky);

class ClusterProcess {
 public:
  /// Starts the cluster and waits (30 s at most) until nginx listens.
  explicit ClusterProcess(Sticky sticky);
  /// Closes the command pipe (the cluster stops everything it started) and waits for it.
  ~ClusterProcess();
  ClusterProcess(const ClusterProcess&) = delete;
  ClusterProcess& operator=(const ClusterProcess&) = delete;

  bool ok() const { return port_ != 0; }
  /// Why the cluster did not start (its own messages are on stderr).
  const std::string& error() const { return error_; }
  /// The load balancer's URL.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

  /// Emits `event` {from: node, data} to `room` from node "A" or "B" (every node's clients get it).
  bool broadcast(const std::string& node, const std::string& room, const std::string& event,
                 const nlohmann::json& data);
  /// Kills a node (SIGKILL: its connections just drop) and waits until it is gone.
  bool kill(const std::string& node);
  /// {"<sid>": {"A": requests, "B": requests}}: which node served each request of each
  /// Engine.IO session (living nodes only).
  nlohmann::json sessions();

 private:
  /// Sends one command and returns its answer; {"ok":false,"error":...} when none comes.
  nlohmann::json command(const nlohmann::json& cmd);
  /// The next stdout line, or "" after `bound`.
  std::string read_line(std::chrono::milliseconds bound);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
  std::uint16_t port_ = 0;
  std::string error_;
};

}  // namespace twinsock::testing
