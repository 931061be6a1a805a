#include "twinsock/sio/manager.hpp"

#include <algorithm>

#include "codec/sio/decoder.hpp"
#include "codec/sio/encoder.hpp"
#include "codec/sio/msgpack_parser.hpp"
#include "codec/url/query.hpp"
#include "codec/url/socketio.hpp"
#include "codec/url/url.hpp"
#include "proto/backoff.hpp"
#include "twinsock/eio/cookie_jar.hpp"
#include "twinsock/error.hpp"

namespace twinsock::sio {

// The Manager's state that its header need not show, and its engine's observer:
// the engine's events reach the Manager without a listener (an allocation) each.
struct Manager::Impl final : eio::SocketObserver {
  Impl(Manager& m, const ReconnectPolicy& policy, const Limits& l)
      : manager(m), backoff(policy), limits(l), decoder(l) {}

  void on_engine_open(const eio::HandshakeInfo&) override { manager.on_engine_open(); }
  void on_engine_message(const eio::Message& message) override { manager.on_engine_message(message); }
  void on_engine_ping() override { manager.on_ping.emit(); }
  void on_engine_upgrade(const std::string& transport) override { manager.on_upgrade.emit(transport); }
  void on_engine_error(std::error_code ec, const std::string& detail) override {
    if (manager.state_ == ManagerState::opening) {
      open_error_reported = true;
      open_error_detail = detail;
    }
    manager.on_error.emit(ec, detail);
  }
  void on_engine_close(const std::string& reason, std::error_code cause) override {
    manager.on_engine_close(reason, cause, manager.engine_->close_detail());
  }

  Manager& manager;
  Backoff backoff;
  Limits limits;
  Decoder decoder;
  std::error_code url_error;
  bool open_error_reported = false;  // the engine already reported why this attempt failed
  std::string open_error_detail;     // ... in these words
};

namespace {

ReconnectPolicy policy_of(const ManagerOptions& o) {
  return ReconnectPolicy{.enabled = o.reconnection,
                         .min_delay = o.reconnection_delay,
                         .max_delay = o.reconnection_delay_max,
                         .grow_factor = 2.0,  // socket.io-client's backo2 factor
                         .jitter = o.randomization_factor,
                         .max_retries = o.reconnection_attempts,
                         .min_uptime = Duration(0)};
}

Limits limits_of(const ManagerOptions& o) {
  Limits limits;
  limits.max_attachments = o.max_attachments;
  limits.max_packet_bytes = o.max_packet_bytes;
  limits.max_json_depth = o.max_json_depth;
  limits.keep_text = o.keep_packet_text;
  return limits;
}

// Names the limit a packet broke, with its value.
std::string describe(std::error_code ec, const Limits& limits) {
  if (ec == errc::sio_packet_too_large || ec == errc::msgpack_too_large)
    return "packet exceeds max_packet_bytes (" + std::to_string(limits.max_packet_bytes) + " bytes)";
  if (ec == errc::sio_too_many_attachments)
    return "packet has more binary attachments than max_attachments (" + std::to_string(limits.max_attachments) + ")";
  if (ec == errc::json_too_deep || ec == errc::msgpack_too_deep)
    return "packet nests deeper than max_json_depth (" + std::to_string(limits.max_json_depth) + ")";
  return "could not decode a Socket.IO packet";
}

}  // namespace

Manager::Manager(Loop& loop, std::string url, ManagerOptions options)
    : loop_(loop),
      url_(platform_resolve_url(url)),  // relative to the page, in browsers
      options_(std::make_shared<ManagerOptions>(std::move(options))),
      impl_(std::make_unique<Impl>(*this, policy_of(*options_), limits_of(*options_))),
      open_timer_(loop),
      reconnect_timer_(loop),
      retire_timer_(loop) {
  // One cookie jar per Manager: sticky-session cookies set by a load balancer go back
  // on every request of every reconnection (the browser keeps its own cookies).
  if (!options_->engine.cookie_jar && !platform_keeps_cookies())
    options_->engine.cookie_jar = std::make_shared<eio::CookieJar>();
  url::Url parsed;
  if (auto ec = url::parse(url_, parsed)) {
    impl_->url_error = ec;
    nsp_ = "/";
    return;
  }
  // As engine.io-client: a localhost connection needs no network and outlives its loss.
  if (parsed.host != "localhost") network_sub_ = loop_.on_network_lost([this] { network_lost(); });
  const url::SocketIoTarget target = url::split_socketio(parsed);
  nsp_ = target.nsp.empty() ? "/" : target.nsp;
  engine_url_ = target.engine.href();
  // The URL's query goes to every Engine.IO request (socket.io-client keeps it).
  url::QueryList params;
  if (!url::decode_query(target.query, params))
    for (auto& p : params) options_->engine.query.emplace_back(p.key, p.value);
}

Manager::~Manager() {
  *alive_ = false;
  engine_.reset();
  retiring_.clear();
  sockets_.clear();
}

Socket& Manager::socket() { return socket(nsp_, options_->socket); }

Socket& Manager::socket(const std::string& nsp) { return socket(nsp, options_->socket); }

Socket& Manager::socket(const std::string& nsp, SocketOptions options) {
  const std::string name = nsp.empty() ? "/" : (nsp[0] == '/' ? nsp : "/" + nsp);
  auto it = sockets_.find(name);
  if (it == sockets_.end())
    it = sockets_.emplace(name, std::unique_ptr<Socket>(new Socket(*this, name, std::move(options)))).first;
  Socket& s = *it->second;
  if (options_->auto_connect && !s.active()) s.connect();
  return s;
}

void Manager::open() {
  if (state_ != ManagerState::closed || reconnect_timer_.armed()) return;
  skip_reconnect_ = false;
  start_engine();
}

void Manager::start_engine() {
  state_ = ManagerState::opening;
  engine_.reset();
  if (impl_->url_error) {
    // No attempt can succeed with this URL: report it, and no reconnection (open() tries again).
    const std::error_code ec = impl_->url_error;
    impl_->open_error_detail = "bad URL: " + url_;
    skip_reconnect_ = true;
    loop_.post([this, alive = alive_, ec] {
      if (*alive && state_ == ManagerState::opening) on_engine_close("transport error", ec);
    });
    return;
  }
  if (options_->before_open) options_->before_open(options_->engine);
  // Every engine of this Manager shares its options (aliasing: they keep the whole ManagerOptions alive).
  engine_ = std::make_unique<eio::Socket>(loop_, engine_url_,
                                          std::shared_ptr<const eio::SocketOptions>(options_, &options_->engine));
  impl_->decoder.reset();
  impl_->open_error_reported = false;
  impl_->open_error_detail.clear();
  engine_->set_observer(impl_.get());
  open_timer_.start(options_->timeout, [this] {
    engine_.reset();
    on_engine_close("timeout", errc::connect_timeout,
                    "not connected within timeout (" + std::to_string(options_->timeout.count()) + " ms)");
  });
  engine_->open();
}

void Manager::on_engine_open() {
  open_timer_.cancel();
  state_ = ManagerState::open;
  close_cause_ = {};
  auto alive = alive_;
  const bool was_reconnecting = reconnecting_;
  const std::uint32_t attempts = impl_->backoff.attempts();
  reconnecting_ = false;
  impl_->backoff.reset();
  on_open.emit();
  if (!*alive || state_ != ManagerState::open) return;
  if (was_reconnecting) {
    on_reconnect.emit(attempts);
    if (!*alive || state_ != ManagerState::open) return;
  }
  for (auto& [name, socket] : sockets_) {
    if (!socket->active()) continue;
    socket->on_manager_open();
    if (!*alive || state_ != ManagerState::open) return;
  }
}

void Manager::on_engine_message(const eio::Message& message) {
  auto alive = alive_;
  if (options_->parser == ParserKind::msgpack) {
    Packet packet;
    std::error_code ec =
        message.binary ? decode_msgpack(as_bytes(message.data), packet, impl_->limits) : errc::sio_bad_packet_type;
    if (ec) return close_on_parse_error(ec);
    return handle_packet(packet);
  }
  const std::error_code ec =
      message.binary ? impl_->decoder.add_binary(as_bytes(message.data)) : impl_->decoder.add_text(message.data);
  while (auto packet = impl_->decoder.next()) {
    handle_packet(*packet);
    if (!*alive || !engine_) return;
  }
  if (ec) close_on_parse_error(ec);
}

void Manager::close_on_parse_error(std::error_code ec) {
  auto alive = alive_;
  const std::string detail = describe(ec, impl_->limits);
  on_error.emit(ec, detail);
  if (!*alive) return;
  on_engine_close("parse error", ec, detail);
}

void Manager::handle_packet(Packet& packet) {
  auto it = sockets_.find(packet.nsp);
  if (it == sockets_.end()) return;  // a namespace we never joined: ignored, as socket.io-client does
  it->second->on_packet(packet);
}

void Manager::on_engine_close(const std::string& reason, std::error_code cause, const std::string& detail) {
  open_timer_.cancel();
  const bool was_open = state_ == ManagerState::open;
  state_ = ManagerState::closed;
  // The engine may be the caller: it is never destroyed inside its own callback. It says
  // goodbye where it still can (after a ping timeout or a parse error the server hears a
  // close packet, as from socket.io-client, instead of keeping the session to its timeout).
  if (engine_) retire_engine();
  auto alive = alive_;
  if (was_open) {
    close_cause_ = {cause, detail};
    // Sockets first, as in socket.io-client (whose sockets subscribe to the Manager's
    // "close" before the user can): its listeners see them disconnected.
    for (auto& [name, socket] : sockets_) {
      socket->on_manager_close(reason);
      if (!*alive) return;
    }
    on_close.emit(reason);
    if (!*alive) return;
  } else {
    // The connection never opened: connect_error for waiting sockets, an error for the Manager,
    // then reconnect_error, in socket.io-client's order (its sockets listen to the Manager's
    // "error" from io() on, before the user's listeners; "reconnect_error" follows the attempt).
    const std::error_code ec = cause ? cause : std::error_code(errc::connect_failed);
    const std::string why = impl_->open_error_detail.empty() ? reason : impl_->open_error_detail;
    for (auto& [name, socket] : sockets_) {
      if (socket->connected() || !socket->active()) continue;
      socket->on_connect_error.emit(
          ConnectError{.message = reason, .data = nullptr, .code = ec, .detail = impl_->open_error_detail});
      if (!*alive) return;
    }
    if (!impl_->open_error_reported) {  // once per failed attempt, as socket.io-client does
      on_error.emit(ec, why);
      if (!*alive) return;
    }
    if (reconnecting_) {
      on_reconnect_error.emit(ec, why);
      if (!*alive) return;
    }
  }
  // A listener may have opened a new connection already (Socket::connect() or open() in
  // on_disconnect, on_close or on_connect_error): that one stands, no reconnection.
  if (state_ != ManagerState::closed) return;
  reconnecting_ = false;
  if (!skip_reconnect_ && options_->reconnection) schedule_reconnect();
}

void Manager::schedule_reconnect() {
  if (reconnect_timer_.armed() || skip_reconnect_) return;
  const std::optional<Duration> delay = impl_->backoff.next_delay();
  if (!delay) {
    impl_->backoff.reset();
    on_reconnect_failed.emit();
    return;
  }
  reconnecting_ = true;
  reconnect_timer_.start(*delay, [this] {
    if (skip_reconnect_ || state_ != ManagerState::closed) return;
    auto alive = alive_;
    on_reconnect_attempt.emit(impl_->backoff.attempts());
    if (!*alive || skip_reconnect_) return;
    start_engine();
  });
}

void Manager::network_lost() {
  if (engine_) engine_->network_lost();
}

void Manager::reconfigure(const ManagerOptions& o) {
  options_->reconnection = o.reconnection;
  options_->reconnection_attempts = o.reconnection_attempts;
  options_->reconnection_delay = o.reconnection_delay;
  options_->reconnection_delay_max = o.reconnection_delay_max;
  options_->randomization_factor = o.randomization_factor;
  options_->timeout = o.timeout;
  impl_->backoff.set_policy(policy_of(*options_));
  if (!options_->reconnection && reconnect_timer_.armed()) {
    reconnect_timer_.cancel();
    reconnecting_ = false;
  }
}

void Manager::close() {
  const bool was_open = state_ == ManagerState::open;
  const bool was_trying = state_ == ManagerState::opening || reconnecting_;
  skip_reconnect_ = true;
  reconnecting_ = false;
  reconnect_timer_.cancel();
  open_timer_.cancel();
  impl_->backoff.reset();
  state_ = ManagerState::closed;
  close_cause_ = {};
  if (engine_) retire_engine();
  if (!was_open && !was_trying) return;
  // Sockets are disconnected now (connect() right after close() opens a new session);
  // their disconnect events follow on a later turn, then "close", as on a lost connection.
  // Stopping an attempt is a "close" too, as in socket.io-client.
  if (was_open)
    for (auto& [name, socket] : sockets_) socket->on_manager_closed_by_user();
  loop_.post([this, alive = alive_] {
    if (*alive) on_close.emit("forced close");
  });
}

// Lets the engine close gracefully (flush buffered writes, send its close packet or
// close frame), deaf to it meanwhile; it is dropped once nothing of it is on the wire,
// or after a bound. Safe from the engine's own callbacks: nothing is destroyed here.
void Manager::retire_engine() {
  engine_->set_observer(nullptr);
  engine_->close();
  retiring_.push_back(std::move(engine_));
  retire_deadline_ = loop_.now() + Duration(5000);
  if (!retire_timer_.armed()) retire_timer_.start(Duration(20), [this] { reap_retiring(); });
}

void Manager::reap_retiring() {
  std::erase_if(retiring_, [&](const auto& engine) { return engine->finished() || loop_.now() >= retire_deadline_; });
  if (!retiring_.empty()) retire_timer_.start(Duration(20), [this] { reap_retiring(); });
}

void Manager::socket_closed(Socket&) {
  for (auto& [name, socket] : sockets_)
    if (socket->active()) return;
  close();  // no namespace left: close the shared connection (socket.io-client `_destroy`)
}

// No heartbeat check here: an emit checked the deadline before building its packet, as
// socket.io-client's does. Encoding a large one takes time that is not the server's
// silence, and a check between the text and its attachments would cut the packet.
std::error_code Manager::send_text(std::string text, bool compress) {
  if (!engine_ || state_ != ManagerState::open) return errc::not_connected;
  return engine_->send_checked_before(eio::Message{false, std::move(text)}, compress);
}

std::error_code Manager::send_packet(const Packet& packet, bool compress) {
  if (!engine_ || state_ != ManagerState::open) return errc::not_connected;
  if (options_->parser == ParserKind::msgpack) {
    const bytes encoded = encode_msgpack(packet);
    return engine_->send_checked_before(eio::Message{true, std::string(as_text(encoded))}, compress);
  }
  EncodedPacket encoded = encode(packet);
  if (auto ec = send_text(std::move(encoded.text), compress)) return ec;
  for (const bytes& attachment : encoded.attachments)
    if (auto ec = engine_->send_checked_before(eio::Message{true, std::string(as_text(attachment))}, compress))
      return ec;
  return {};
}

bool Manager::writable() const { return engine_ && state_ == ManagerState::open && engine_->writable(); }

bool Manager::heartbeat_expired() { return engine_ && state_ == ManagerState::open && engine_->heartbeat_expired(); }

}  // namespace twinsock::sio
