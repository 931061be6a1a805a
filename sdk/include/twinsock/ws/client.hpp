// twinsock::ws::Client: a reconnecting WebSocket client (partysocket's feature
// set, plus heartbeats, a bounded queue and a close-code-aware reconnect rule).
//
// Theory of operation
// - The client owns at most one Transport at a time (one connection attempt).
// - connecting -> open -> closing -> closed are the DOM ready states; while it
//   waits to reconnect the client reports `connecting`.
// - When a connection ends, the reconnect rule (should_reconnect) and the
//   ReconnectPolicy decide whether and when the next attempt starts; each
//   attempt is announced by `reconnecting(attempt, delay)`.
// - Messages sent while not open are queued (bounded by count and bytes) and
//   flushed in order on the next open.
// - Events caused by a user call (send, close) are delivered on a later loop
//   turn, never inside the call. Any callback may destroy the client.
//
// Loop affinity: every member must be called on the loop thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "twinsock/event.hpp"
#include "twinsock/reconnect.hpp"
#include "twinsock/ws/transport.hpp"

namespace twinsock::ws {

/// DOM WebSocket.readyState values.
enum class ReadyState : std::uint8_t { connecting = 0, open = 1, closing = 2, closed = 3 };

/// What send() does when the offline queue is full.
enum class QueueFullPolicy : std::uint8_t {
  reject_new,  // send() returns errc::queue_full and the message is not queued
  drop_oldest, // the oldest queued messages make room
};

struct Message {
  MessageType type = MessageType::text;
  std::string data;  // UTF-8 text, or the raw bytes of a binary message
  bool is_binary() const { return type == MessageType::binary; }
  bytes_view bytes() const { return as_bytes(data); }
};

struct ClientOptions {
  ReconnectPolicy reconnect{};
  /// Gives up an attempt that is not open after this long.
  Duration connection_timeout = Duration(10'000);
  /// Called before every attempt; its result replaces the URL (e.g. fresh tokens).
  std::function<std::string()> url_provider;
  Headers headers;                      // extra handshake headers (native only)
  std::vector<std::string> subprotocols;
  /// Called before every attempt; its result replaces `subprotocols` (e.g. a token carried
  /// as a subprotocol, the browser's only way to send one).
  std::function<std::vector<std::string>()> subprotocols_provider;
  std::size_t max_message_size = 64 * 1024 * 1024;  // larger incoming messages close with 1009
  /// Frames of one incoming message; more close with 1009 (a message that never ends). Native only.
  std::size_t max_fragments = 100'000;
  HttpLimits http_limits;  // the upgrade response (native only)
  std::size_t max_frame_size = 64 * 1024;           // outgoing messages are fragmented above this
  bool per_message_deflate = false;                  // offer RFC 7692 compression (native)

  /// Ping every heartbeat_interval; no pong within heartbeat_timeout closes the
  /// connection as dead (and reconnects). Zero disables. Native only: browsers
  /// answer pings themselves but cannot send them.
  Duration heartbeat_interval = Duration(0);
  Duration heartbeat_timeout = Duration(10'000);
  /// How long close() waits for the server's close frame before dropping the connection.
  Duration close_timeout = Duration(5000);

  std::size_t max_queued_messages = 1024;  // 0 disables the offline queue
  std::size_t max_queued_bytes = 16 * 1024 * 1024;
  QueueFullPolicy queue_full_policy = QueueFullPolicy::reject_new;

  /// Decides from a close whether to reconnect. Default: not after the user's own
  /// close, nor for 1000, 1008 or 4000-4999; yes for everything else (1001, 1006, 1011, 1012, ...).
  std::function<bool(const CloseInfo& info, bool closed_by_user)> should_reconnect;

  TlsOptions tls;     // native only
  std::string proxy;  // native only; empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment
  bool start_closed = false;  // do not connect until connect() is called
  /// Receives a protocol trace (handshake, frames, pings) when set; for debugging.
  std::function<void(std::string_view line)> trace;

  /// Replaces the platform transport (tests, custom stacks).
  TransportFactory transport_factory;
};

/// The default reconnect rule (see ClientOptions::should_reconnect).
bool default_should_reconnect(const CloseInfo& info, bool closed_by_user);

class Client final : private TransportEvents {
 public:
  Client(Loop& loop, std::string url, ClientOptions options = {});
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Starts connecting if closed (after start_closed or close()); resets the backoff.
  /// (close() reports a close event for an open connection, and 1006 for an attempt in
  /// progress, as the DOM's WebSocket; while waiting to reconnect it just stops.)
  /// While a close() is still under way, the new connection starts once it has closed.
  void connect();
  /// Closes with `code` and `reason` and stops reconnecting. The close event
  /// follows on a later turn (after the server's close frame, or close_timeout).
  void close(std::uint16_t code = 1000, std::string_view reason = {});
  /// Closes the current connection and connects again at once.
  void reconnect(std::uint16_t code = 1000, std::string_view reason = {});

  /// Sends now when open, else queues. Errors: errc::queue_full (queue bounds),
  /// errc::not_connected (queue disabled and not open), errc::invalid_state after close(),
  /// errc::ws_text_not_utf8 for text that is not UTF-8 (nothing is sent or queued).
  std::error_code send(std::string_view text);
  std::error_code send_binary(bytes_view data);

  ReadyState ready_state() const { return state_; }
  /// Bytes queued while offline plus bytes the transport has not written yet.
  std::size_t buffered_amount() const;
  std::size_t queued_messages() const { return queue_.size(); }
  /// The subprotocol the server selected ("" when none).
  const std::string& protocol() const { return protocol_; }
  const std::string& url() const { return current_url_; }
  /// Reconnection attempts since the last stable connection.
  std::uint32_t retry_count() const;

  Event<> on_open;
  /// Natively also while closing (what the server sent before its close frame, as RFC 6455
  /// allows); in browsers, whose WebSocket stops at close(), only while open.
  Event<const Message&> on_message;
  Event<const CloseInfo&> on_close;
  /// An error with its stable id (error_id) and an explanation; a close event follows
  /// when the error ended a connection.
  Event<std::error_code, const std::string&> on_error;
  Event<std::uint32_t /*attempt*/, Duration /*delay*/> on_reconnecting;

 private:
  struct Impl;
  std::error_code send_message(MessageType type, std::string_view data);
  void start_attempt();
  void flush_queue();
  void arm_heartbeat();
  void on_heartbeat_tick();
  void handle_loss(CloseInfo info);
  void schedule_reconnect();
  void abort_transport(CloseInfo info);

  void on_transport_open(std::string_view subprotocol) override;
  void on_transport_message(MessageType type, std::string&& data) override;
  void on_transport_pong(bytes_view payload) override;
  void on_transport_close(CloseInfo info) override;

  Loop& loop_;
  std::string url_;
  std::string current_url_;
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<Transport> transport_;
  ReadyState state_ = ReadyState::closed;
  std::string protocol_;
  std::deque<Message> queue_;
  std::size_t queued_bytes_ = 0;
  bool closed_by_user_ = false;
  bool connect_after_close_ = false;  // connect() while closing
  bool awaiting_pong_ = false;
  TimePoint opened_at_{};
  Timer connect_timer_;
  Timer reconnect_timer_;
  Timer heartbeat_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace twinsock::ws
