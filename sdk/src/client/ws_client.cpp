#include "twinsock/ws/client.hpp"

#include <utility>

#include "codec/url/url.hpp"
#include "proto/backoff.hpp"
#include "twinsock/error.hpp"
#include "twinsock/http_transport.hpp"
#include "util/utf8.hpp"

namespace twinsock::ws {

struct Client::Impl {
  explicit Impl(const ReconnectPolicy& policy) : backoff(policy) {}
  Backoff backoff;
};

bool default_should_reconnect(const CloseInfo& info, bool closed_by_user) {
  if (closed_by_user) return false;
  if (info.code == 1000 || info.code == 1008) return false;  // done, or refused by policy
  if (info.code >= 4000 && info.code <= 4999) return false;  // application codes: the app decides
  return true;                                               // 1001, 1006, 1011, 1012, 1013, ...
}

Client::Client(Loop& loop, std::string url, ClientOptions options)
    : loop_(loop),
      url_(std::move(url)),
      options_(std::move(options)),
      impl_(std::make_unique<Impl>(options_.reconnect)),
      connect_timer_(loop),
      reconnect_timer_(loop),
      heartbeat_timer_(loop) {
  if (!options_.transport_factory) options_.transport_factory = platform_transport_factory();
  if (!options_.should_reconnect) options_.should_reconnect = default_should_reconnect;
  if (!options_.start_closed) {
    state_ = ReadyState::connecting;
    // Connect on the next turn so listeners added right after construction see `open`.
    loop_.post([this, alive = alive_] {
      if (*alive && state_ == ReadyState::connecting && !transport_) start_attempt();
    });
  }
}

Client::~Client() { *alive_ = false; }

void Client::connect() {
  if (state_ == ReadyState::closing) {
    connect_after_close_ = true;  // handle_loss() connects once the close is done
    return;
  }
  if (transport_ || reconnect_timer_.armed()) return;
  closed_by_user_ = false;
  impl_->backoff.reset();
  state_ = ReadyState::connecting;
  loop_.post([this, alive = alive_] {
    if (*alive && state_ == ReadyState::connecting && !transport_ && !reconnect_timer_.armed()) start_attempt();
  });
}

void Client::start_attempt() {
  current_url_ = platform_resolve_url(options_.url_provider ? options_.url_provider() : url_);
  // Checked here, so every platform reports a bad URL alike (http and https mean ws and wss).
  url::Url parsed;
  if (const std::error_code ec = url::parse(current_url_, parsed)) {
    state_ = ReadyState::connecting;
    return handle_loss({.code = 1006, .error = ec, .detail = "bad URL: " + current_url_});
  }
  ConnectParams params{
      .url = current_url_,
      .headers = options_.headers,
      .subprotocols = options_.subprotocols_provider ? options_.subprotocols_provider() : options_.subprotocols,
      .max_message_size = options_.max_message_size,
      .max_fragments = options_.max_fragments,
      .max_frame_size = options_.max_frame_size,
      .http_limits = options_.http_limits,
      .per_message_deflate = options_.per_message_deflate,
      .connect_timeout = options_.connection_timeout,
      .close_timeout = options_.close_timeout,
      .tls = options_.tls,
      .proxy = options_.proxy,
      .trace = options_.trace,
  };
  state_ = ReadyState::connecting;
  protocol_.clear();
  transport_ = options_.transport_factory(loop_, params, *this);
  connect_timer_.start(options_.connection_timeout, [this] {
    abort_transport({.code = 1006,
                     .error = errc::handshake_timeout,
                     .detail = "no open within connection_timeout (" +
                               std::to_string(options_.connection_timeout.count()) + " ms)"});
  });
}

// Drops the current transport (no events from it any more) and handles the loss.
void Client::abort_transport(CloseInfo info) {
  transport_.reset();
  handle_loss(std::move(info));
}

void Client::on_transport_open(std::string_view subprotocol) {
  connect_timer_.cancel();
  state_ = ReadyState::open;
  protocol_ = std::string(subprotocol);
  opened_at_ = loop_.now();
  awaiting_pong_ = false;
  // Queued messages go first, so they keep their place ahead of anything the open handler sends.
  flush_queue();
  arm_heartbeat();
  on_open.emit();
}

void Client::on_transport_message(MessageType type, std::string&& data) {
  Message message{type, std::move(data)};
  on_message.emit(message);
}

void Client::on_transport_pong(bytes_view) {
  if (!awaiting_pong_) return;  // unsolicited pongs are allowed (RFC 6455 §5.5.3) and ignored
  awaiting_pong_ = false;
  arm_heartbeat();
}

void Client::on_transport_close(CloseInfo info) {
  transport_.reset();
  handle_loss(std::move(info));
}

void Client::handle_loss(CloseInfo info) {
  connect_timer_.cancel();
  heartbeat_timer_.cancel();
  const bool was_open = state_ == ReadyState::open || state_ == ReadyState::closing;
  if (was_open) impl_->backoff.on_connection_lost(std::chrono::duration_cast<Duration>(loop_.now() - opened_at_));
  state_ = ReadyState::closed;
  auto alive = alive_;
  if (info.error) {
    on_error.emit(info.error, info.detail);
    if (!*alive) return;
  }
  const bool connect_now = std::exchange(connect_after_close_, false);
  on_close.emit(info);
  if (!*alive || state_ != ReadyState::closed || transport_ || reconnect_timer_.armed()) return;
  if (connect_now) return connect();
  if (closed_by_user_ || !options_.should_reconnect(info, false)) return;
  // Misuse (a bad URL, headers a browser cannot send) fails again on every attempt;
  // only a url_provider may change the outcome.
  if (info.error == condition::invalid_argument && !options_.url_provider) return;
  schedule_reconnect();
}

void Client::schedule_reconnect() {
  if (!options_.reconnect.allows_retries()) return;  // the close already told the whole story
  const std::optional<Duration> delay = impl_->backoff.next_delay();
  if (!delay) {
    on_error.emit(errc::reconnect_failed,
                  std::to_string(impl_->backoff.attempts()) + " attempts made");
    return;
  }
  state_ = ReadyState::connecting;
  const std::uint32_t attempt = impl_->backoff.attempts();
  reconnect_timer_.start(*delay, [this] { start_attempt(); });
  on_reconnecting.emit(attempt, *delay);
}

std::uint32_t Client::retry_count() const { return impl_->backoff.attempts(); }

void Client::close(std::uint16_t code, std::string_view reason) {
  closed_by_user_ = true;
  connect_after_close_ = false;
  if (reconnect_timer_.armed()) {
    // Waiting to reconnect: the last connection's close was reported already; there is
    // nothing more to close (partysocket says nothing either).
    reconnect_timer_.cancel();
    state_ = ReadyState::closed;
    return;
  }
  if (state_ == ReadyState::open && transport_) {
    state_ = ReadyState::closing;
    heartbeat_timer_.cancel();
    transport_->close(code, reason);  // the transport reports the close later
    return;
  }
  if (state_ == ReadyState::closing || state_ == ReadyState::closed) return;
  // Still connecting (or waiting to reconnect): drop the attempt, report the close later,
  // as the DOM's WebSocket does: 1006, since no closing handshake took place.
  transport_.reset();
  connect_timer_.cancel();
  state_ = ReadyState::closed;
  loop_.post([this, alive = alive_] {
    if (*alive) on_close.emit(CloseInfo{.code = 1006, .reason = {}, .was_clean = false});
  });
}

void Client::reconnect(std::uint16_t code, std::string_view reason) {
  reconnect_timer_.cancel();
  impl_->backoff.reset();
  closed_by_user_ = false;
  if (state_ == ReadyState::open || state_ == ReadyState::closing) {
    // The open connection ends here: its close comes before the next open (partysocket does the same).
    loop_.post([this, alive = alive_, code, reason = std::string(reason)] {
      if (*alive) on_close.emit(CloseInfo{.code = code, .reason = reason, .was_clean = false});
    });
  }
  if (transport_) {
    transport_->close(code, reason);
    transport_.reset();  // no events from the old connection
  }
  heartbeat_timer_.cancel();
  connect_timer_.cancel();
  state_ = ReadyState::connecting;
  loop_.post([this, alive = alive_] {
    if (*alive && state_ == ReadyState::connecting && !transport_ && !reconnect_timer_.armed()) start_attempt();
  });
}

std::error_code Client::send(std::string_view text) {
  // A text frame must be UTF-8 (RFC 6455 §5.6): the peer would close with 1007.
  if (!utf8::is_valid(as_bytes(text))) return errc::ws_text_not_utf8;
  return send_message(MessageType::text, text);
}

std::error_code Client::send_binary(bytes_view data) { return send_message(MessageType::binary, as_text(data)); }

std::error_code Client::send_message(MessageType type, std::string_view data) {
  if (closed_by_user_ && !transport_ && !reconnect_timer_.armed() && state_ == ReadyState::closed)
    return errc::invalid_state;
  if (state_ == ReadyState::open && transport_) {
    transport_->send(type, data, options_.per_message_deflate);
    return {};
  }
  if (state_ == ReadyState::closing) return errc::invalid_state;
  if (options_.max_queued_messages == 0) return errc::not_connected;
  const bool fits_alone = data.size() <= options_.max_queued_bytes;
  if (!fits_alone) return errc::queue_full;
  if (options_.queue_full_policy == QueueFullPolicy::drop_oldest) {
    while (!queue_.empty() && (queue_.size() >= options_.max_queued_messages ||
                               queued_bytes_ + data.size() > options_.max_queued_bytes)) {
      queued_bytes_ -= queue_.front().data.size();
      queue_.pop_front();
    }
  } else if (queue_.size() >= options_.max_queued_messages ||
             queued_bytes_ + data.size() > options_.max_queued_bytes) {
    return errc::queue_full;
  }
  queue_.push_back(Message{type, std::string(data)});
  queued_bytes_ += data.size();
  return {};
}

void Client::flush_queue() {
  while (!queue_.empty() && transport_ && state_ == ReadyState::open) {
    Message message = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= message.data.size();
    transport_->send(message.type, message.data, options_.per_message_deflate);
  }
}

std::size_t Client::buffered_amount() const {
  return queued_bytes_ + (transport_ ? transport_->buffered_amount() : 0);
}

void Client::arm_heartbeat() {
  if (options_.heartbeat_interval.count() <= 0) return;
  heartbeat_timer_.start(options_.heartbeat_interval, [this] { on_heartbeat_tick(); });
}

void Client::on_heartbeat_tick() {
  if (state_ != ReadyState::open || !transport_) return;
  static constexpr std::uint8_t kPayload[] = {'t', 'w', 'i', 'n', 's', 'o', 'c', 'k'};
  if (!transport_->ping(kPayload)) return;  // the platform cannot ping: heartbeat off
  awaiting_pong_ = true;
  heartbeat_timer_.start(options_.heartbeat_timeout, [this] {
    abort_transport({.code = 1006,
                     .error = errc::heartbeat_timeout,
                     .detail = "no pong within heartbeat_timeout (" +
                               std::to_string(options_.heartbeat_timeout.count()) + " ms)"});
  });
}

}  // namespace twinsock::ws
