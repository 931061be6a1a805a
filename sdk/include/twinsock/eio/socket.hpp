// twinsock::eio::Socket: one Engine.IO v4 connection (no reconnection: the
// Socket.IO Manager above decides that). Portable: it talks to the network only
// through the ws::TransportFactory and HttpTransportFactory seams.
//
// Theory of operation (engine.io-client 6.x is the behavioural reference)
// - open(): handshake over the first transport of `transports` (polling by
//   default; websocket directly when it is the only or first one).
// - Polling: at most one GET and one POST in flight; writes are batched into
//   POSTs of at most maxPayload bytes; binary as `b` + base64.
// - Upgrade: when the server offers "websocket" and `upgrade` is on, a probe
//   WebSocket sends `2probe`; on `3probe` polling is paused (in-flight requests
//   finish), `5` is sent and the WebSocket takes over; writes made meanwhile are
//   buffered and flushed in order. A failed probe leaves the session on polling.
// - Heartbeat: the server pings every pingInterval; the session is dead when no
//   ping arrives within pingInterval + pingTimeout. The deadline is also checked
//   on every send, so a machine waking from sleep notices at once.
// - Close reasons are socket.io-client's, verbatim: "transport close",
//   "transport error", "ping timeout", "parse error", "forced close".
// - Events caused by user calls are delivered on a later loop turn; any
//   callback may destroy the socket. After on_close nothing more is emitted.
// - Errors: on_error(ec, detail) comes before on_close for "transport error"
//   and "parse error", and alone for a failed upgrade probe (non-fatal).
//   on_close always carries the cause (empty for "forced close").
//
// Loop affinity: every member must be called on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "twinsock/bytes.hpp"
#include "twinsock/event.hpp"
#include "twinsock/http_header.hpp"
#include "twinsock/http_transport.hpp"
#include "twinsock/loop.hpp"
#include "twinsock/tls_options.hpp"
#include "twinsock/ws/transport.hpp"

namespace twinsock::eio {

class CookieJar;

struct SocketOptions {
  /// In order of preference; unknown names are ignored.
  std::vector<std::string> transports = {"polling", "websocket"};
  bool upgrade = true;
  /// Start with websocket when a previous session in this process ended up on
  /// it (engine.io-client's process-wide priorWebsocketSuccess).
  bool remember_upgrade = false;
  /// When the first transport fails to open, try the next one in `transports`.
  bool try_all_transports = false;
  std::string path = "/engine.io/";
  bool add_trailing_slash = true;
  std::vector<std::pair<std::string, std::string>> query;  // added to every request
  Headers extra_headers;                                    // native: every request and the upgrade
  bool timestamp_requests = true;                           // cache-busting `t=` on polling requests
  std::string timestamp_param = "t";
  bool with_credentials = false;                            // browser: cookies cross-origin
  /// Bounds the handshake, each POST, a WebSocket open and the upgrade probe.
  /// A poll GET may be held by the server, so it gets pingInterval + pingTimeout more.
  Duration request_timeout = Duration(20'000);
  /// Incoming: one poll body (errc::eio_payload_too_large) or WebSocket message (errc::ws_message_too_big).
  std::size_t max_message_size = 64 * 1024 * 1024;
  /// Packets in one poll body (errc::eio_too_many_packets).
  std::size_t max_payload_packets = 100'000;
  HttpLimits http_limits;  // response heads: polling and the WebSocket upgrade (native only)
  TlsOptions tls;      // native only
  std::string proxy;   // native only
  /// Shared per Manager so sticky-session cookies (set by a load balancer) go
  /// back on every request and on the WebSocket upgrade. Native only (browsers
  /// keep their own); may be null. Filled from polling responses' Set-Cookie.
  std::shared_ptr<CookieJar> cookie_jar;
  std::function<void(std::string_view line)> trace;
  ws::TransportFactory ws_factory;      // tests; default: the platform's
  HttpTransportFactory http_factory;    // tests; default: the platform's
};

/// What the open packet said (engine.io-protocol "Handshake").
struct HandshakeInfo {
  std::string sid;
  std::vector<std::string> upgrades;
  Duration ping_interval{};
  Duration ping_timeout{};
  std::size_t max_payload = 0;
};

/// One message of the session: text, or binary (a separate WebSocket frame or a
/// `b` record), as Socket.IO needs to tell them apart.
struct Message {
  bool binary = false;
  std::string data;
};

enum class ReadyState : std::uint8_t { closed, opening, open, closing };

/// The owner of a Socket (a Socket.IO Manager) hears its events through this
/// interface, before the Events' listeners: one pointer instead of a listener (an
/// allocation each) per event, which adds up over thousands of connections. The
/// methods may destroy the Socket.
class SocketObserver {
 public:
  virtual void on_engine_open(const HandshakeInfo& handshake) = 0;
  virtual void on_engine_message(const Message& message) = 0;
  virtual void on_engine_ping() = 0;
  virtual void on_engine_upgrade(const std::string& transport) = 0;
  virtual void on_engine_error(std::error_code ec, const std::string& detail) = 0;
  virtual void on_engine_close(const std::string& reason, std::error_code cause) = 0;

 protected:
  ~SocketObserver() = default;
};

class Socket {
 public:
  Socket(Loop& loop, std::string url, SocketOptions options = {});
  /// Shares `options` with other Sockets (a Socket.IO Manager's reconnections)
  /// instead of keeping a copy each; null means the defaults.
  Socket(Loop& loop, std::string url, std::shared_ptr<const SocketOptions> options);
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  /// Starts the handshake (once; a closed Socket is not reopened: make a new one).
  void open();
  /// Sends a close packet when open, then closes; on_close("forced close") follows later.
  void close();

  /// Queues a message (sent in order; batched on polling; buffered while opening
  /// or upgrading). Returns errc::invalid_state when not opened, closing or closed.
  /// Checks the heartbeat deadline first (sleep detection): when it has passed,
  /// returns errc::ping_timeout and the session closes ("ping timeout", later turn).
  std::error_code send(Message message, bool compress = true);
  /// send() without the heartbeat check, for a caller that made it before building the
  /// message (Socket.IO's emit): the time spent building it is not the server's silence.
  std::error_code send_checked_before(Message message, bool compress = true);
  /// True when a send now would go out without waiting (Socket.IO's `volatile`).
  bool writable() const;
  /// engine.io-client's _hasPingExpired(): true when the heartbeat deadline has
  /// passed without the timer noticing (the machine slept); the session then
  /// closes ("ping timeout", later turn). Socket.IO checks it before each emit.
  bool heartbeat_expired();
  /// The device lost its network (a browser's "offline" event): the session ends
  /// now, on_close("transport close") on a later turn, instead of when the heartbeat
  /// times out. engine.io-client does this in browsers. No-op once closed.
  void network_lost();

  ReadyState ready_state() const;
  const std::string& id() const;               // the Engine.IO sid
  const std::string& transport_name() const;   // "polling" or "websocket"
  const HandshakeInfo& handshake() const;
  /// Why the session ended, in words (on_error's detail for an error): set before
  /// on_close, empty before it and for "forced close".
  const std::string& close_detail() const;
  /// Closed, and nothing of it is still on the wire (a close POST, a poll left to
  /// end, a WebSocket closing handshake): it can be destroyed without cutting anything.
  bool finished() const;

  /// The one observer (null: none), told of every event before its listeners.
  void set_observer(SocketObserver* observer);

  /// Clears the process-wide "a session upgraded to websocket" flag that
  /// remember_upgrade reads (tests; engine.io-client's priorWebsocketSuccess).
  static void forget_prior_upgrade();
  static bool prior_upgrade();

  Event<const HandshakeInfo&> on_open;
  Event<const Message&> on_message;
  Event<> on_ping;                              // the server pinged (Manager's "ping")
  Event<const std::string& /*transport*/> on_upgrade;
  /// The cause of a close (before on_close), or a transport error while opening.
  Event<std::error_code, const std::string& /*detail*/> on_error;
  /// The WebSocket probe failed (engine.io-client's "upgradeError"): the session goes on
  /// over polling, so the Socket.IO Manager hears nothing of it.
  Event<std::error_code, const std::string& /*detail*/> on_upgrade_error;
  /// Once, when the session ends: the reason verbatim from socket.io-client and the cause.
  Event<const std::string& /*reason*/, std::error_code> on_close;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twinsock::eio
