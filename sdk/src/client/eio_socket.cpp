// eio::Socket: the Engine.IO v4 session (engine.io-client socket.ts:
// SocketWithoutUpgrade + SocketWithUpgrade). The transports live in
// eio_polling.cpp and eio_websocket.cpp.
#include <algorithm>
#include <atomic>
#include <optional>

#include "client/eio_transport.hpp"
#include "codec/eio/handshake.hpp"
#include "codec/eio/payload.hpp"
#include "twinsock/eio/cookie_jar.hpp"
#include "twinsock/error.hpp"

namespace twinsock::eio {
namespace {

// engine.io-client's static priorWebsocketSuccess, read by remember_upgrade.
std::atomic<bool> g_prior_websocket_success{false};

// A heartbeat timer this late was held up by a busy thread, not by a silent server;
// the read turn it then grants the input is one short timer.
constexpr Duration kLateTimer = Duration(50);
constexpr Duration kReadTurn = Duration(10);

bool is_known_transport(std::string_view name) { return name == detail::kPolling || name == detail::kWebSocket; }

}  // namespace

using namespace detail;

class Socket::Impl final : public TransportHandler {
 public:
  Impl(Socket& owner, Loop& loop, std::string url, std::shared_ptr<const SocketOptions> options)
      : owner_(owner),
        loop_(loop),
        url_(std::move(url)),
        shared_options_(std::move(options)),
        options_(*shared_options_),
        ctx_(loop, options_),
        ping_timer_(loop),
        open_timer_(loop),
        probe_timer_(loop) {}
  ~Impl() override { *alive_ = false; }

  void set_observer(SocketObserver* observer) { observer_ = observer; }

  void open() {
    if (started_) return;
    started_ = true;
    state_ = ReadyState::opening;
    // Start on the next turn so listeners added right after open() see everything.
    loop_.post([this, alive = alive_] {
      if (*alive && state_ == ReadyState::opening && !transport_) start();
    });
  }

  bool finished() const {
    return closed_ && std::all_of(retired_.begin(), retired_.end(), [](const auto& t) { return t->idle(); });
  }

  void close() {
    if (state_ == ReadyState::opening) return close_session(kForcedClose, {}, "closed by the user", true);
    if (state_ != ReadyState::open) return;
    // engine.io-client's close(): pending writes go first, and an upgrade in progress ends first.
    state_ = ReadyState::closing;
    if (!write_buffer_.empty() || upgrading_) return;
    close_session(kForcedClose, {}, "closed by the user", true);
  }

  std::error_code send(Message message, bool check_heartbeat) {
    if (state_ != ReadyState::opening && state_ != ReadyState::open) return errc::invalid_state;
    if (check_heartbeat && heartbeat_expired()) return errc::ping_timeout;
    if (message.binary) {
      const bytes_view view = as_bytes(message.data);
      write_buffer_.push_back(Packet::binary_message(bytes(view.begin(), view.end())));
    } else {
      write_buffer_.push_back(Packet::text(PacketType::message, std::move(message.data)));
    }
    flush();
    return {};
  }

  bool writable() const {
    return state_ == ReadyState::open && transport_ && !upgrading_ && prev_buffer_len_ == 0 &&
           transport_->writable() && !ping_expired();
  }

  void network_lost() {
    // Nothing more can cross a network that is gone: end the session now, as a lost transport.
    if (!started_ || closed_) return;
    close_session(kTransportClose, errc::connection_closed, "network connection lost", true);
  }

  bool heartbeat_expired() {
    if (!ping_expired()) return false;
    // A machine waking from sleep: the timer has not fired yet (_hasPingExpired).
    close_session(kPingTimeout, errc::ping_timeout, no_ping_detail(), true);
    return true;
  }

  ReadyState state() const { return state_; }
  const std::string& id() const { return handshake_.sid; }
  const std::string& transport_name() const { return transport_name_; }
  const std::string& close_detail() const { return close_detail_; }
  const HandshakeInfo& handshake() const { return handshake_; }

 private:
  bool ping_expired() const { return state_ == ReadyState::open && loop_.now() > ping_deadline_; }

  void start() {
    url::Url u;
    if (auto ec = url::parse(url_, u)) return close_session(kTransportError, ec, "bad URL: " + url_, false);
    ctx_.endpoint = u.with_http_scheme();
    ctx_.endpoint.path = "/";
    ctx_.endpoint.query.clear();
    if (auto ec = url::decode_query(u.query, ctx_.query))
      return close_session(kTransportError, ec, "bad query in URL: " + url_, false);
    for (const auto& [key, value] : options_.query) ctx_.query.push_back({key, value});
    for (const auto& name : options_.transports)
      if (is_known_transport(name) && std::find(candidates_.begin(), candidates_.end(), name) == candidates_.end())
        candidates_.push_back(name);
    if (candidates_.empty())
      return close_session(kTransportError, errc::invalid_argument, "no known transport in `transports`", false);
    std::string first = candidates_.front();
    const bool ws_allowed = std::find(candidates_.begin(), candidates_.end(), kWebSocket) != candidates_.end();
    if (options_.remember_upgrade && g_prior_websocket_success && ws_allowed) first = std::string(kWebSocket);
    start_transport(first);
  }

  void start_transport(const std::string& name) {
    transport_name_ = name;
    transport_ = name == kWebSocket ? make_websocket(ctx_, *this) : make_polling(ctx_, *this);
    open_timer_.start(options_.request_timeout, [this] {
      transport_failed(kTransportError, errc::handshake_timeout,
                       "no open packet within request_timeout (" + std::to_string(options_.request_timeout.count()) +
                           " ms)");
    });
    transport_->open();
  }

  // ---- TransportHandler

  void on_transport_open(EngineTransport& t) override {
    if (&t != probe_.get()) return;  // a WebSocket session opens with the open packet
    // engine.io-client _probe(): `2probe` on the new transport while polling goes on.
    const Packet ping = Packet::text(PacketType::ping, "probe");
    probe_->send(std::span<const Packet>(&ping, 1));
  }

  void on_transport_packet(EngineTransport& t, Packet&& packet) override {
    if (&t == probe_.get()) return on_probe_packet(packet);
    if (&t != transport_.get()) return;
    if (state_ == ReadyState::opening) {
      if (packet.type != PacketType::open || packet.is_binary)
        return transport_failed(kParseError, errc::eio_bad_handshake,
                                "expected the open packet, got " + std::string(to_string(packet.type)));
      return on_handshake(packet);
    }
    switch (packet.type) {
      case PacketType::ping: {
        reset_ping_timeout();
        // One unsent pong answers every ping: a server that pings without reading our
        // answers (a POST it never ends, a WebSocket it does not read) cannot grow our buffers.
        if (!pong_waiting() && transport_->may_pong()) {
          queued_pong_ = write_buffer_.size();
          write_buffer_.push_back(Packet::text(PacketType::pong));
          flush();
        }
        if (state_ == ReadyState::closed) return;
        tell(&SocketObserver::on_engine_ping, owner_.on_ping);
        return;
      }
      case PacketType::message: {
        Message message{packet.is_binary,
                        packet.is_binary ? std::string(as_text(packet.binary)) : std::move(packet.data)};
        tell(&SocketObserver::on_engine_message, owner_.on_message, message);
        return;
      }
      default: return;  // a second open, pong, noop (ends a poll during an upgrade), upgrade
    }
  }

  void on_transport_drain(EngineTransport& t) override {
    if (&t != transport_.get()) return;
    write_buffer_.erase(write_buffer_.begin(), write_buffer_.begin() + static_cast<std::ptrdiff_t>(prev_buffer_len_));
    if (queued_pong_)
      queued_pong_ = *queued_pong_ >= prev_buffer_len_ ? std::optional(*queued_pong_ - prev_buffer_len_) : std::nullopt;
    prev_buffer_len_ = 0;
    if (write_buffer_.empty()) {
      if (state_ == ReadyState::closing && !upgrading_) close_session(kForcedClose, {}, "closed by the user", false);
      return;
    }
    flush();
  }

  void on_transport_close(EngineTransport& t, std::string_view reason, std::error_code ec,
                          const std::string& detail) override {
    if (&t == probe_.get()) return probe_failed(ec, detail);
    if (&t != transport_.get()) return;
    transport_failed(reason, ec, detail);
  }

  // The observer, then the Event's listeners; false once either destroyed this socket.
  template <typename... Params, typename... Args>
  bool tell(void (SocketObserver::*hook)(Params...), Event<Params...>& event, const Args&... args) {
    const auto alive = alive_;
    if (observer_) (observer_->*hook)(args...);
    if (!*alive) return false;
    event.emit(args...);
    return *alive;
  }

  // ---- session

  void on_handshake(const Packet& packet) {
    Handshake hs;
    if (auto ec = parse_handshake(packet, hs))
      return transport_failed(kParseError, ec, "bad open packet: " + packet.data.substr(0, 200));
    handshake_ = HandshakeInfo{
        .sid = hs.sid,
        .upgrades = hs.upgrades,
        .ping_interval = Duration(hs.ping_interval_ms),
        .ping_timeout = Duration(hs.ping_timeout_ms),
        .max_payload = static_cast<std::size_t>(hs.max_payload),
    };
    ctx_.sid = hs.sid;
    ctx_.poll_grace = handshake_.ping_interval + handshake_.ping_timeout;
    open_timer_.cancel();
    state_ = ReadyState::open;
    g_prior_websocket_success = transport_name_ == kWebSocket;
    reset_ping_timeout();
    if (!tell(&SocketObserver::on_engine_open, owner_.on_open, handshake_)) return;
    flush();
    if (state_ != ReadyState::open || !options_.upgrade || transport_name_ != kPolling) return;
    const bool offered = std::find(hs.upgrades.begin(), hs.upgrades.end(), kWebSocket) != hs.upgrades.end();
    const bool allowed = std::find(candidates_.begin(), candidates_.end(), kWebSocket) != candidates_.end();
    if (offered && allowed) start_probe();
  }

  std::string no_ping_detail() const {
    return "no ping within pingInterval + pingTimeout (" +
           std::to_string((handshake_.ping_interval + handshake_.ping_timeout).count()) + " ms)";
  }

  // A pong in the write buffer that is not in the POST in flight yet.
  bool pong_waiting() const { return queued_pong_ && *queued_pong_ >= prev_buffer_len_; }

  void reset_ping_timeout() {
    const Duration window = handshake_.ping_interval + handshake_.ping_timeout;
    ping_deadline_ = loop_.now() + window;
    ping_timer_.start(window, [this] {
      // Fired late: the app kept the thread busy (a level loading), and the server's ping
      // may be waiting unread. Timers run before I/O after such a stall (Node's loop does
      // so), so read first: one short turn more, then judge.
      if (loop_.now() - ping_deadline_ > kLateTimer) return ping_timer_.start(kReadTurn, [this] { ping_timed_out(); });
      ping_timed_out();
    });
  }

  void ping_timed_out() { close_session(kPingTimeout, errc::ping_timeout, no_ping_detail(), false); }

  void flush() {
    if (state_ == ReadyState::closed || !transport_ || upgrading_ || write_buffer_.empty() || prev_buffer_len_ != 0 ||
        !transport_->writable())
      return;
    if (transport_name_ == kPolling) {
      // One POST at a time, within maxPayload (_getWritablePackets); the rest waits for drain.
      prev_buffer_len_ = writable_count(write_buffer_, handshake_.max_payload);
      transport_->send(std::span<const Packet>(write_buffer_.data(), prev_buffer_len_));
    } else {
      const std::vector<Packet> packets = std::exchange(write_buffer_, {});
      queued_pong_.reset();
      transport_->send(packets);
    }
  }

  // The session transport died (or never opened).
  void transport_failed(std::string_view reason, std::error_code ec, const std::string& detail) {
    if (reason != kTransportClose) g_prior_websocket_success = false;
    if (state_ == ReadyState::opening && options_.try_all_transports && reason != kParseError) {
      // engine.io-client tryAllTransports: drop the failed transport, try the next one.
      std::erase(candidates_, transport_name_);
      if (!candidates_.empty()) {
        open_timer_.cancel();
        retire(std::move(transport_), false);
        return start_transport(candidates_.front());
      }
    }
    close_session(reason, ec, detail, false);
  }

  // Ends the session once. `deferred`: called from a user call, so events go to a later turn.
  void close_session(std::string_view reason, std::error_code ec, const std::string& detail, bool deferred) {
    if (closed_ || !started_) return;
    closed_ = true;
    ping_timer_.cancel();
    open_timer_.cancel();
    probe_timer_.cancel();
    if (probe_) retire(std::move(probe_), false);
    if (transport_) retire(std::move(transport_), true);  // `1` if it still can
    state_ = ReadyState::closed;
    upgrading_ = false;
    write_buffer_.clear();
    queued_pong_.reset();
    prev_buffer_len_ = 0;
    const bool report_error = ec && (reason == kTransportError || reason == kParseError);
    close_detail_ = ec ? detail : std::string();
    auto emit = [this, reason = std::string(reason), ec, detail, report_error] {
      if (report_error && !tell(&SocketObserver::on_engine_error, owner_.on_error, ec, detail)) return;
      tell(&SocketObserver::on_engine_close, owner_.on_close, reason, ec);
    };
    if (!deferred) return emit();
    loop_.post([alive = alive_, emit = std::move(emit)] {
      if (*alive) emit();
    });
  }

  // A transport we are done with: silenced now, destroyed on a later turn (it may
  // be the caller) once nothing of it is in flight (a close POST, a closing WebSocket).
  void retire(std::unique_ptr<EngineTransport> transport, bool goodbye) {
    if (!transport) return;
    if (goodbye) transport->close();
    else transport->abort();
    retired_.push_back(std::move(transport));
    loop_.post([this, alive = alive_] {
      if (*alive) std::erase_if(retired_, [](const auto& t) { return t->idle(); });
    });
  }

  // ---- upgrade (engine.io-client _probe)

  void start_probe() {
    g_prior_websocket_success = false;
    probe_ = make_websocket(ctx_, *this);
    probe_timer_.start(options_.request_timeout, [this] { probe_failed(errc::handshake_timeout, "timeout"); });
    probe_->open();
  }

  void on_probe_packet(const Packet& packet) {
    if (upgrading_) return;  // `3probe` seen; waiting for polling to pause
    if (packet.type != PacketType::pong || packet.is_binary || packet.data != "probe")
      return probe_failed(errc::eio_bad_packet_type, "unexpected " + std::string(to_string(packet.type)) + " packet");
    upgrading_ = true;
    g_prior_websocket_success = true;
    // Polling stops once its GET (ended by the server's noop) and POST are back.
    transport_->pause([this, alive = alive_] {
      if (*alive) finish_upgrade();
    });
  }

  void finish_upgrade() {
    if (state_ == ReadyState::closed || !probe_ || !upgrading_) return;
    probe_timer_.cancel();
    retire(std::move(transport_), false);
    transport_ = std::move(probe_);
    transport_name_ = std::string(kWebSocket);
    const Packet upgrade = Packet::text(PacketType::upgrade);
    transport_->send(std::span<const Packet>(&upgrade, 1));
    upgrading_ = false;
    flush();  // writes buffered during the switch, in order
    if (!tell(&SocketObserver::on_engine_upgrade, owner_.on_upgrade, transport_name_)) return;
    if (state_ == ReadyState::closing && write_buffer_.empty())
      close_session(kForcedClose, {}, "closed by the user", false);
  }

  void probe_failed(std::error_code ec, const std::string& detail) {
    if (!probe_) return;
    probe_timer_.cancel();
    retire(std::move(probe_), false);
    g_prior_websocket_success = false;
    if (upgrading_) {  // failed after `3probe`: polling takes up again
      upgrading_ = false;
      if (transport_) transport_->resume();
    }
    const std::error_code error = ec ? ec : std::error_code(errc::connection_closed);
    const auto alive = alive_;
    owner_.on_upgrade_error.emit(error, "probe error: " + detail);
    if (!*alive) return;
    if (state_ == ReadyState::closing && write_buffer_.empty())
      return close_session(kForcedClose, {}, "closed by the user", false);
    flush();
  }

  Socket& owner_;
  SocketObserver* observer_ = nullptr;
  Loop& loop_;
  std::string url_;
  std::shared_ptr<const SocketOptions> shared_options_;
  const SocketOptions& options_;
  SessionContext ctx_;  // before the transports: they hold a reference to it
  std::vector<std::string> candidates_;
  ReadyState state_ = ReadyState::closed;
  bool started_ = false;
  bool closed_ = false;
  std::string transport_name_;
  std::string close_detail_;
  HandshakeInfo handshake_;
  std::vector<std::unique_ptr<EngineTransport>> retired_;
  std::unique_ptr<EngineTransport> transport_;
  std::unique_ptr<EngineTransport> probe_;
  std::vector<Packet> write_buffer_;
  std::size_t prev_buffer_len_ = 0;  // packets in the POST in flight
  std::optional<std::size_t> queued_pong_;  // where the last pong sits in write_buffer_
  bool upgrading_ = false;
  TimePoint ping_deadline_{};
  Timer ping_timer_;
  Timer open_timer_;
  Timer probe_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

Socket::Socket(Loop& loop, std::string url, SocketOptions options)
    : Socket(loop, std::move(url), std::make_shared<const SocketOptions>(std::move(options))) {}
Socket::Socket(Loop& loop, std::string url, std::shared_ptr<const SocketOptions> options)
    : impl_(std::make_unique<Impl>(*this, loop, std::move(url),
                                   options ? std::move(options) : std::make_shared<const SocketOptions>())) {}
Socket::~Socket() = default;
void Socket::open() { impl_->open(); }
void Socket::close() { impl_->close(); }
bool Socket::finished() const { return impl_->finished(); }
std::error_code Socket::send(Message message, bool /*compress*/) { return impl_->send(std::move(message), true); }
std::error_code Socket::send_checked_before(Message message, bool /*compress*/) {
  return impl_->send(std::move(message), false);
}
bool Socket::writable() const { return impl_->writable(); }
bool Socket::heartbeat_expired() { return impl_->heartbeat_expired(); }
void Socket::network_lost() { impl_->network_lost(); }
void Socket::set_observer(SocketObserver* observer) { impl_->set_observer(observer); }
ReadyState Socket::ready_state() const { return impl_->state(); }
const std::string& Socket::id() const { return impl_->id(); }
const std::string& Socket::transport_name() const { return impl_->transport_name(); }
const std::string& Socket::close_detail() const { return impl_->close_detail(); }
const HandshakeInfo& Socket::handshake() const { return impl_->handshake(); }
void Socket::forget_prior_upgrade() { g_prior_websocket_success = false; }
bool Socket::prior_upgrade() { return g_prior_websocket_success; }

}  // namespace twinsock::eio
