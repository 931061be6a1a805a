// twinsock::sio::Manager: one Engine.IO connection shared by every namespace
// Socket made from it, with socket.io-client's reconnection (on by default,
// unlimited attempts, 1 s growing to 5 s, randomisation 0.5) and events
// (open, close, error, ping, reconnect_attempt, reconnect, reconnect_error,
// reconnect_failed). `Client` is the same class, for the io(url) style.
//
//   twinsock::sio::Client io(loop, "http://localhost:3000");
//   twinsock::sio::Socket& chat = io.socket("/chat");
//
// The URL's path picks the namespace of io.socket() (like io("http://h/chat"));
// the Engine.IO path is options.engine.path ("/socket.io/").
//
// Loop affinity: every member must be called on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include "twinsock/eio/socket.hpp"
#include "twinsock/event.hpp"
#include "twinsock/loop.hpp"
#include "twinsock/sio/socket.hpp"

namespace twinsock::sio {

enum class ParserKind : std::uint8_t { json, msgpack };

struct ManagerOptions {
  bool reconnection = true;
  std::uint32_t reconnection_attempts = std::numeric_limits<std::uint32_t>::max();
  Duration reconnection_delay = Duration(1000);
  Duration reconnection_delay_max = Duration(5000);
  double randomization_factor = 0.5;
  /// Connection timeout: the Engine.IO handshake, then each namespace CONNECT.
  Duration timeout = Duration(20'000);
  /// Sockets made by socket() connect at once.
  bool auto_connect = true;
  ParserKind parser = ParserKind::json;
  /// Incoming packets ("parse error" when exceeded). Binary attachments one packet
  /// announces (errc::sio_too_many_attachments; 10, as socket.io-parser):
  std::size_t max_attachments = 10;
  /// A packet's text plus its attachments, or its msgpack encoding
  /// (errc::sio_packet_too_large, errc::msgpack_too_large):
  std::size_t max_packet_bytes = 64 * 1024 * 1024;
  /// Nesting of arrays and objects (errc::json_too_deep, errc::msgpack_too_deep);
  /// the readers recurse this deep, so keep it modest:
  std::size_t max_json_depth = 64;
  /// Keeps each event's and ack's arguments as JSON text too, for Socket::packet_text()
  /// (bindings that pass them on unparsed); a copy of every payload, so off by default.
  bool keep_packet_text = false;
  /// Engine.IO options; path defaults to "/socket.io/" here.
  eio::SocketOptions engine = default_engine_options();
  /// Called before every connection attempt (the first and each reconnection) to
  /// change `engine` for it: fresh query parameters or headers (a token that
  /// expires), other transports after a failure. socket.io-client reads
  /// `socket.io.opts` anew at each attempt. It must not destroy the Manager.
  std::function<void(eio::SocketOptions&)> before_open;
  /// Options of the socket made for the URL's namespace by socket() without arguments.
  SocketOptions socket;

  static eio::SocketOptions default_engine_options() {
    eio::SocketOptions o;
    o.path = "/socket.io/";
    return o;
  }
};

enum class ManagerState : std::uint8_t { closed, opening, open };

/// Why an open connection was lost (socket.io-client's disconnect `details`).
struct CloseCause {
  std::error_code code;
  std::string detail;
};

class Manager {
 public:
  Manager(Loop& loop, std::string url, ManagerOptions options = {});
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  /// The Socket for `nsp` (one per namespace; created on first use). Without an
  /// argument: the URL's namespace. Connects it when auto_connect is on.
  Socket& socket(const std::string& nsp, SocketOptions options);
  Socket& socket(const std::string& nsp);
  Socket& socket();

  /// Opens the connection (sockets call this for you).
  void open();
  /// Closes the connection and stops reconnecting. An open connection's sockets get
  /// on_disconnect("forced close"), then on_close("forced close"); closed while opening
  /// or reconnecting, it stops trying with on_close("forced close") alone (on a later
  /// turn, as every event of a call); already closed, it says nothing. Emits waiting
  /// in the send buffer stay there for a later open() or Socket::connect().
  void close();

  ManagerState state() const { return state_; }
  /// Trying to come back after a lost connection or a failed attempt: waiting for the
  /// next attempt (state() closed) or making it (opening).
  bool reconnecting() const { return reconnecting_; }
  /// A connection closed by close() is still finishing gracefully (flushing, saying goodbye).
  bool draining() const { return !retiring_.empty(); }
  const std::string& url() const { return url_; }
  /// The namespace named by the URL's path ("/" when none).
  const std::string& url_namespace() const { return nsp_; }
  /// The Engine.IO session, while one exists. Listen to its Events; its observer is this Manager.
  eio::Socket* engine() { return engine_.get(); }

  /// The device lost its network: the connection closes now ("transport close") and the
  /// reconnection is scheduled, instead of when the heartbeat times out, as socket.io-client
  /// does in browsers. The Manager calls it itself when its Loop reports the loss (the
  /// browser's "offline" event), unless its host is "localhost", which needs no network.
  void network_lost();

  /// Why the last open connection was lost ("transport close", "transport error",
  /// "ping timeout", "parse error"): set before the sockets' on_disconnect and
  /// on_close, empty once a connection opens and after close().
  const CloseCause& close_cause() const { return close_cause_; }

  const ManagerOptions& options() const { return *options_; }
  /// Changes the reconnection options at run time, as socket.io-client's Manager
  /// setters do (reconnection(v), reconnectionAttempts(v), reconnectionDelay(v),
  /// reconnectionDelayMax(v), randomizationFactor(v), timeout(v)): `reconnection`,
  /// `reconnection_attempts`, `reconnection_delay`, `reconnection_delay_max`,
  /// `randomization_factor` and `timeout` are taken from `options`, its other fields
  /// are ignored. They apply from the next attempt; the attempts made so far still
  /// count. Turning reconnection off also cancels an attempt already scheduled (the
  /// sockets stay active: open() or Socket::connect() tries again).
  void reconfigure(const ManagerOptions& options);

  Event<> on_open;
  Event<const std::string& /*reason*/> on_close;
  Event<std::error_code, const std::string& /*detail*/> on_error;
  Event<> on_ping;
  Event<std::uint32_t /*attempt*/> on_reconnect_attempt;
  Event<std::uint32_t /*attempt*/> on_reconnect;
  Event<std::error_code, const std::string& /*detail*/> on_reconnect_error;
  Event<> on_reconnect_failed;
  /// The connection moved to another transport ("websocket" after polling): the
  /// Engine.IO socket's "upgrade" (socket.io-client's `socket.io.engine.on("upgrade")`).
  Event<const std::string& /*transport*/> on_upgrade;

 private:
  friend class Socket;
  struct Impl;

  // For sockets.
  std::error_code send_packet(const Packet& packet, bool compress);
  /// A packet already encoded as text (the JSON parser only).
  std::error_code send_text(std::string text, bool compress);
  bool writable() const;
  /// The connection's heartbeat deadline passed unnoticed (a machine waking from
  /// sleep): it is closing ("ping timeout"), so emits wait for the next one.
  bool heartbeat_expired();
  void socket_closed(Socket& socket);  // a namespace left: close when none is active
  Loop& loop() { return loop_; }

  void start_engine();
  void on_engine_open();
  void on_engine_message(const eio::Message& message);
  /// A packet the parser refused: on_error, then the connection closes ("parse error").
  void close_on_parse_error(std::error_code ec);
  void on_engine_close(const std::string& reason, std::error_code cause, const std::string& detail = {});
  void schedule_reconnect();
  void handle_packet(Packet& packet);
  void retire_engine();
  void reap_retiring();

  // Engines closed by close(), kept until they finish their goodbye (bounded).
  std::vector<std::unique_ptr<eio::Socket>> retiring_;
  TimePoint retire_deadline_{};

  Loop& loop_;
  std::string url_;
  std::string engine_url_;
  std::string nsp_;
  std::shared_ptr<ManagerOptions> options_;  // shared with the engines (its `engine` part)
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<eio::Socket> engine_;
  Subscription network_sub_;  // the Loop's "network lost"
  std::map<std::string, std::unique_ptr<Socket>> sockets_;
  ManagerState state_ = ManagerState::closed;
  CloseCause close_cause_;
  bool skip_reconnect_ = false;
  bool reconnecting_ = false;
  Timer open_timer_;
  Timer reconnect_timer_;
  Timer retire_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

using Client = Manager;

}  // namespace twinsock::sio
