// The soak run's clients, all on one native loop: Socket.IO Managers (three
// namespaces each, over polling+upgrade, WebSocket only or polling only) against
// sio-server.mjs, reconnecting WebSocket clients against ws-server.mjs (/echo and
// /deflate), and SSE clients against sse-server.mjs (/drop: two events, then the
// connection is cut, so they reconnect with Last-Event-ID all the time).
//
// Every client sends on a traffic tick and checks what comes back: echoes carry
// their sequence number and a binary pattern derived from it, acks must repeat
// their arguments, SSE ids must follow each other with no gap or repeat across
// reconnections. A wrong answer is counted in Tally::bad and fails the run.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "twinsock/native/poll_loop.hpp"

namespace twinsock::soak {

struct Tally {
  std::uint64_t connects = 0;      // on_connect / on_open of every client
  std::uint64_t sent = 0;          // emits and sends
  std::uint64_t messages = 0;      // events, acks and messages received
  std::uint64_t acks_failed = 0;   // acks failed by a disconnect or a timeout (expected in storms)
  std::uint64_t bad = 0;           // wrong answers: a defect
  std::map<std::string, std::uint64_t> errors;  // error events by stable id
  std::vector<std::string> bad_examples;        // the first few wrong answers

  void error(std::error_code ec);
  void wrong(std::string what);
};

struct FleetSize {
  int sio = 6;  // Managers, three namespaces each
  int ws = 6;
  int sse = 4;
};

struct ServerUrls {
  std::string sio;  // http://127.0.0.1:P
  std::string ws;   // ws://127.0.0.1:P
  std::string sse;  // http://127.0.0.1:P
};

class Fleet {
 public:
  Fleet(native::PollLoop& loop, ServerUrls urls, FleetSize size, Tally& tally);
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  /// One round of traffic from every connected client.
  void send_traffic();
  /// Server-side disconnects: Socket.IO sockets ask the server to cut their
  /// connection ("cut", recoverable) or to disconnect them ("disconnect-me": they
  /// connect again themselves); WebSocket clients reconnect.
  void provoke_disconnects();
  /// Every client is destroyed without closing (mass disconnect) and made again.
  void churn();

  /// Forgets which clients connected, so all_reconnected() asks about what follows.
  void mark_storm();
  /// Every client connected (opened, for SSE) since the last mark_storm().
  bool all_reconnected() const;

  /// Closes every client gracefully; closed() tells when all have finished.
  void close_all();
  bool closed() const;

 private:
  struct SioPeer;
  struct WsPeer;
  struct SsePeer;
  void create();

  native::PollLoop& loop_;
  ServerUrls urls_;
  FleetSize size_;
  Tally& tally_;
  std::vector<std::unique_ptr<SioPeer>> sio_;
  std::vector<std::unique_ptr<WsPeer>> ws_;
  std::vector<std::unique_ptr<SsePeer>> sse_;
};

}  // namespace twinsock::soak
