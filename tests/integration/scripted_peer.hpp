// A scripted raw-TCP "server" for the Autobahn-style conformance and hostile-peer
// tests: it accepts one connection, reads the request head (a WebSocket upgrade or
// plain HTTP), then writes exactly the bytes a test scripts (good or broken
// handshake, hand-made frames, stalls, floods), without reading meanwhile, and
// records the first frame the client sends back (unmasked).
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
    std::string bytes;      // written as is,
    int sleep_ms = 0;       // then wait;
    std::size_t repeat = 1; // the whole step this many times (floods without a huge string)
  };
  /// `respond(key)` builds the steps from the client's Sec-WebSocket-Key (empty for plain HTTP).
  /// The script stops at the first write the client no longer takes (it closed).
  /// `receive_buffer`: when set, the kernel receive buffer (SO_RCVBUF) of the accepted
  /// connection, so that what the client sends and the peer does not read backs up fast.
  explicit ScriptedPeer(std::function<std::vector<Step>(const std::string& key)> respond, bool close_after = true,
                        int receive_buffer = 0);
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
  /// Keeps reading after the client's first frame, until it closes the connection (or 3 s
  /// pass). Call before the client connects.
  void record_all_frames() { all_frames_ = true; }
  /// Every frame the client sent after the script (record_all_frames()), once the
  /// reading ended.
  std::vector<Frame> client_frames() const;
  /// The close code in the client's close frame, or 0.
  int client_close_code() const;
  std::string request() const;
  /// Bytes of the script the client took (written to the socket) so far.
  std::uint64_t bytes_written() const { return written_; }
  /// Waits (5 s at most) for the script to end: all of it written, or cut short
  /// because the client was gone. True when it ended; bytes_written() is then final.
  bool wait_for_script() const;

  /// The accept key the RFC requires for `key`.
  static std::string accept_for(const std::string& key);
  static std::string good_101(const std::string& key, const std::string& extra_headers = "");
  /// A server frame (unmasked) with the given first byte and payload.
  static std::string frame(std::uint8_t first_byte, const std::string& payload);

 private:
  void serve();
  static std::optional<Frame> take_frame(std::string& in);
  bool write_all(int fd, const std::string& bytes);
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::function<std::vector<Step>(const std::string&)> respond_;
  bool close_after_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<bool> script_done_{false};
  mutable std::mutex mutex_;
  std::optional<Frame> frame_;
  std::vector<Frame> frames_;
  std::atomic<bool> all_frames_{false};
  std::atomic<bool> reading_done_{false};
  std::string request_;
};

}  // namespace twinsock::testing
