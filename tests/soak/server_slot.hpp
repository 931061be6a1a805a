// One reference server of the soak run that can be killed and started again on
// the same port while the loop keeps running: the new process starts on a helper
// thread (node takes a few hundred milliseconds to listen), which posts it back
// to the loop, so clients of the other servers are never stalled meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server_process.hpp"
#include "twinsock/native/poll_loop.hpp"

namespace twinsock::soak {

class ServerSlot {
 public:
  ServerSlot(native::PollLoop& loop, std::string script, std::vector<std::string> args = {});
  ~ServerSlot();
  ServerSlot(const ServerSlot&) = delete;
  ServerSlot& operator=(const ServerSlot&) = delete;

  bool ok() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& scheme, const std::string& path) const;

  /// Kills the server (SIGKILL: clients see their connections cut) and starts it
  /// again on the same port. False when a restart is still under way.
  bool restart();
  bool restarting() const { return restarting_; }
  /// Restarts that failed to bring the server back (it did not listen in 3 tries of 5 s).
  int failed_restarts() const { return failed_restarts_; }

 private:
  void install(std::shared_ptr<testing::ServerProcess> process);

  native::PollLoop& loop_;
  std::string script_;
  std::vector<std::string> args_;
  std::shared_ptr<testing::ServerProcess> process_;
  std::uint16_t port_ = 0;
  bool restarting_ = false;
  int failed_restarts_ = 0;
  std::thread starter_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // a restart posted after we are gone is dropped
};

}  // namespace twinsock::soak
