// A scripted raw-TCP "server" for the Autobahn-style conformance tests: it
// accepts one connection, reads the upgrade request, then writes exactly the
// bytes a test scripts (good or broken handshake, hand-made frames, stalls),
// and records the first frame the client sends back (unmasked).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace twinsock::testing {

class ScriptedPeer {
 public:
  struct Step {
    std::string bytes;     // written as is
    int sleep_ms = 0;      // then wait
  };
  /// `respond(key)` builds the steps from the client's Sec-WebSocket-Key.
  explicit ScriptedPeer(std::function<std::vector<Step>(const std::string& key)> respond, bool close_after = true);
  ~ScriptedPeer();

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/") const { return "ws://127.0.0.1:" + std::to_string(port_) + path; }
  /// The first frame the client sent after the script (opcode and unmasked payload), if any.
  struct Frame {
    int opcode = -1;
    std::string payload;
    bool masked = false;
  };
  /// Waits (3 s at most) for the peer to have read it.
  std::optional<Frame> client_frame() const;
  /// The close code in the client's close frame, or 0.
  int client_close_code() const;
  std::string request() const;

  /// The accept key the RFC requires for `key`.
  static std::string accept_for(const std::string& key);
  static std::string good_101(const std::string& key, const std::string& extra_headers = "");
  /// A server frame (unmasked) with the given first byte and payload.
  static std::string frame(std::uint8_t first_byte, const std::string& payload);

 private:
  void serve();
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::function<std::vector<Step>(const std::string&)> respond_;
  bool close_after_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::optional<Frame> frame_;
  std::string request_;
};

}  // namespace twinsock::testing
