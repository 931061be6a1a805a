// twinsock::sio::Socket: one Socket.IO namespace over a Manager's connection,
// with socket.io-client 4.8's behaviour and option names (snake_case).
//
// Theory of operation
// - connect() asks the Manager to open the shared connection, then sends
//   CONNECT (with the auth payload, plus pid/offset for connection state
//   recovery). The server's CONNECT reply makes the socket connected; its
//   CONNECT_ERROR fires connect_error and leaves the socket inactive.
// - Disconnect reasons are socket.io-client's, verbatim: "io server disconnect",
//   "io client disconnect", "ping timeout", "transport close", "transport error",
//   "parse error". After "io server disconnect" and "io client disconnect" the
//   socket does not reconnect by itself.
// - emit() while disconnected goes to a bounded send buffer, flushed after the
//   next CONNECT; `volatile` emits are dropped instead. So does an emit that finds
//   the heartbeat deadline passed unnoticed (the machine slept): the connection
//   closes ("ping timeout") and the emit goes out on the next one. Acks: a callback, with
//   an optional timeout (errc::ack_timeout). On disconnect every pending ack is
//   failed with errc::not_connected, except packets of the `retries` queue,
//   which are resent after the reconnection (at-least-once).
// - Events received before CONNECT completes are delivered right after it.
// - Events caused by user calls are delivered on a later loop turn; any
//   callback may destroy the Manager (and with it its sockets).
//
// Loop affinity: every member must be called on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "twinsock/event.hpp"
#include "twinsock/loop.hpp"

namespace twinsock::sio {

class Manager;
struct Packet;  // the codec's packet (sdk/src/codec/sio/packet.hpp)

/// Event arguments: a JSON array; binary values are nlohmann::json::binary_t anywhere inside.
using Args = nlohmann::json;

/// The answer to an emit with an ack: the server's arguments, or an error
/// (errc::ack_timeout, errc::not_connected when the socket disconnected first).
using AckCallback = Callback<void(std::error_code error, const Args& args)>;

/// Passed to listeners: reply(args) acknowledges an event the server emitted
/// with an ack (at most once; a no-op when no ack was asked for).
class Reply {
 public:
  Reply() = default;
  explicit Reply(std::function<void(Args)> send) : send_(std::move(send)) {}
  bool requested() const { return static_cast<bool>(send_); }
  void operator()(Args args = Args::array()) const {
    if (auto send = std::exchange(send_, nullptr)) send(std::move(args));
  }

 private:
  mutable std::function<void(Args)> send_;
};

struct ConnectError {
  std::string message;  // the server's message ("Not authorized", "Invalid namespace", ...)
  nlohmann::json data;  // the middleware's `err.data`, or null
  std::error_code code; // errc::sio_connect_refused, or a timeout
  /// When the connection itself failed (message "transport error", "parse error"...):
  /// the engine's explanation, e.g. "server answered HTTP 404 Not Found"; else empty.
  std::string detail;
};

struct SocketOptions {
  /// Sent in CONNECT; an object or null. `auth_provider`, when set, is called
  /// before every attempt instead (fresh tokens) and hands the payload to `done`,
  /// at once or later (socket.io-client's `auth(cb)`): CONNECT waits for it,
  /// within the Manager's timeout. A late or second call is ignored.
  nlohmann::json auth;
  std::function<void(std::function<void(nlohmann::json)> done)> auth_provider;
  /// Default timeout of every ack (0: none).
  Duration ack_timeout = Duration(0);
  /// At-least-once delivery: emits wait in a serial queue for their ack and are
  /// resent after ack_timeout and across reconnections, up to `retries` times.
  std::uint32_t retries = 0;
  /// Bounds, each on its own, the send buffer (emits while disconnected), the
  /// `retries` queue (emits awaiting their ack) and the events received before
  /// CONNECT. A full buffer: emit() returns errc::queue_full; an event beyond
  /// them is dropped (errc::queue_full on the Manager's on_error, once).
  std::size_t max_buffered_packets = 10'000;
  std::size_t max_buffered_bytes = 16 * 1024 * 1024;
};

/// Per-emit flags, as socket.io-client's `socket.timeout(ms).volatile.compress(false).emit(...)`.
struct EmitOptions {
  std::optional<Duration> timeout;
  bool is_volatile = false;
  bool compress = true;
};

class Socket {
 public:
  using Listener = Callback<void(const Args& args, const Reply& reply)>;
  using AnyListener = Callback<void(const std::string& event, const Args& args)>;

  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void connect();
  /// Sends DISCONNECT when connected; reason "io client disconnect" (on a later turn).
  void disconnect();

  /// Emits `event` with `args` (a JSON array, or a single value wrapped into one).
  /// Errors: errc::queue_full (send buffer bounds), errc::invalid_argument (reserved event name).
  std::error_code emit(std::string_view event, Args args = Args::array(), EmitOptions options = {});
  std::error_code emit(std::string_view event, Args args, AckCallback ack, EmitOptions options = {});
  /// emitWithAck: like emit with an ack, but the callback also fails on disconnect; it
  /// times out after the given timeout, else ack_timeout (with neither, as in
  /// socket.io-client, it waits for the answer or the disconnect).
  std::error_code emit_with_ack(std::string_view event, Args args, AckCallback ack, EmitOptions options = {});
  /// emit() for arguments that are already JSON text (JSON.stringify's output, say):
  /// `args_json` is a JSON array without binary values. It is checked, then sent as
  /// it is when the packet can go out at once; it is read into Args only where
  /// those are needed (the retries queue, on_any_outgoing listeners, the msgpack
  /// parser, the send buffer). With an ack, it behaves as emit_with_ack().
  /// Errors: emit()'s, and errc::invalid_argument when `args_json` is not a JSON array.
  std::error_code emit_json(std::string_view event, std::string_view args_json, AckCallback ack = {},
                            EmitOptions options = {});

  /// Listens to a server event. As in socket.io-client, "connect", "disconnect" (args:
  /// [reason]) and "connect_error" (args: [{"message", "data"}]) are the Socket's own
  /// events: on_connect, on_disconnect and on_connect_error.
  [[nodiscard]] Subscription on(const std::string& event, Listener listener);
  [[nodiscard]] Subscription once(const std::string& event, Listener listener);
  /// Event names holding a listener table, some perhaps empty (for leak checks in tests).
  std::size_t listener_table_count() const;
  [[nodiscard]] Subscription on_any(AnyListener listener);
  [[nodiscard]] Subscription prepend_any(AnyListener listener);
  [[nodiscard]] Subscription on_any_outgoing(AnyListener listener);
  /// Every incoming event with its Reply, after the on_any listeners and before
  /// the listeners of its name: for bindings that dispatch by name themselves.
  using EventListener = Callback<void(const std::string& event, const Args& args, const Reply& reply)>;
  [[nodiscard]] Subscription on_event(EventListener listener);
  /// Removes every catch-all listener (offAny() without arguments).
  void off_any();
  /// While an event's listeners or an ack's callback run, with ManagerOptions::
  /// keep_packet_text: the arguments' JSON text as it came ("[arg...]"), for bindings
  /// that pass it on unparsed, its object keys in their order. Empty otherwise, and for
  /// packets with binary attachments or from the msgpack parser.
  std::string_view packet_text() const;

  Event<> on_connect;
  Event<const ConnectError&> on_connect_error;
  Event<const std::string& /*reason*/> on_disconnect;

  const std::string& nsp() const { return nsp_; }
  const std::string& id() const { return id_; }  // empty while disconnected
  bool connected() const { return connected_; }
  /// Emits still owed something: acks awaited, packets in the send buffer or the retries queue.
  std::size_t pending() const;

  /// An emit waiting in the send buffer (socket.io-client's `sendBuffer`).
  struct BufferedEmit {
    std::uint64_t seq = 0;  ///< names this emit for as long as it waits
    Args data;              ///< the packet's data: [event, arg...]
  };
  /// What emit() kept while disconnected, oldest first; it goes out after the next CONNECT.
  std::vector<BufferedEmit> send_buffer() const;
  /// Drops the buffered emits for which `discard(seq, data)` is true, or all of them
  /// without a predicate (socket.io-client's `socket.sendBuffer = []`). Acks they asked
  /// for fail with errc::emit_discarded on a later turn. Returns how many were dropped.
  using BufferFilter = Callback<bool(std::uint64_t seq, const Args& data)>;
  std::size_t discard_buffered(const BufferFilter& discard = {});
  /// Connected, or trying to (the Manager will reconnect it).
  bool active() const { return active_; }
  /// The last CONNECT restored the session (connection state recovery).
  bool recovered() const { return recovered_; }
  Manager& io() { return manager_; }

 private:
  friend class Manager;
  struct State;
  Socket(Manager& manager, std::string nsp, SocketOptions options);

  // Called by the Manager.
  void on_manager_open();
  void on_manager_close(const std::string& reason);
  /// The Manager was closed by the user: disconnected at once, reported on a later turn.
  void on_manager_closed_by_user();
  void on_packet(Packet& packet);

  std::error_code send_event(std::string_view event, Args args, AckCallback ack, EmitOptions options, bool with_error);
  /// Where an emit goes now: dropped (volatile, cannot go out), sent, or kept in the send buffer.
  enum class Route { drop, send, buffer };
  Route route_for(const EmitOptions& options);
  /// Keeps an EVENT for the next connection (socket.io-client's sendBuffer), within its bounds.
  std::error_code buffer_packet(Packet packet, bool compress);
  /// Registers `ack` under the next id, with its timeout; nullopt without one.
  std::optional<std::uint64_t> track_ack(AckCallback ack, const EmitOptions& options);
  void send_connect();
  void send_connect_packet(nlohmann::json auth);
  std::optional<Subscription> on_reserved(const std::string& event, Listener& listener, bool once);
  Event<const Args&, const Reply&>& listeners_for(const std::string& event);
  void handle_connect(const nlohmann::json& data);
  void handle_event(Packet& packet);
  void handle_ack(Packet& packet);
  void dispatch(const std::string& event, const Args& args, const Reply& reply);
  void flush_buffer();
  /// Takes every pending ack out (so later acks of a new session are not touched)
  /// and returns a function that fails them (errc::not_connected) when called.
  Callback<void()> take_pending_acks();
  void fail_pending_acks();
  void start_connect_timer();
  void drain_retry_queue();
  bool fits(std::size_t count, std::size_t bytes, std::size_t size) const;
  std::string describe_bounds() const;
  void set_disconnected(const std::string& reason);

  Manager& manager_;
  std::string nsp_;
  SocketOptions options_;
  std::unique_ptr<State> state_;
  std::string id_;
  bool connected_ = false;
  bool active_ = false;
  bool recovered_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace twinsock::sio
