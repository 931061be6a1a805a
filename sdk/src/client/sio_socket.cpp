#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "codec/json/parser.hpp"
#include "codec/json/writer.hpp"
#include "codec/sio/encoder.hpp"
#include "codec/sio/packet.hpp"
#include "twinsock/error.hpp"
#include "twinsock/sio/manager.hpp"
#include "util/lazy_deque.hpp"

namespace twinsock::sio {
namespace {

bool is_reserved(std::string_view name) {
  return name == "connect" || name == "connect_error" || name == "disconnect" || name == "disconnecting" ||
         name == "newListener" || name == "removeListener";
}

Args as_args(Args args) {
  if (args.is_array()) return args;
  Args wrapped = Args::array();
  if (!args.is_null()) wrapped.push_back(std::move(args));
  return wrapped;
}

// The EVENT packet of `event` with `args` (an array).
Packet event_packet(const std::string& nsp, std::string_view event, Args args) {
  Args data = Args::array();
  data.push_back(std::string(event));
  for (auto& a : args) data.push_back(std::move(a));
  return Packet{.type = PacketType::event, .nsp = nsp, .data = std::move(data)};
}

// emit_json(): arguments as JSON text are read at most this deep (what JS hands over).
constexpr std::size_t kMaxArgsDepth = 128;

// A rough size for the send buffer's byte bound (binary counted by length).
std::size_t approximate_size(const nlohmann::json& value) {
  if (value.is_binary()) return value.get_binary().size();
  if (value.is_string()) return value.get_ref<const std::string&>().size() + 2;
  if (value.is_array() || value.is_object()) {
    std::size_t total = 2;
    for (const auto& item : value.items()) total += approximate_size(item.value()) + item.key().size() + 1;
    return total;
  }
  return 8;
}

}  // namespace

struct Socket::State {
  struct PendingAck {
    AckCallback callback;
    std::unique_ptr<Timer> timer;
  };
  struct Buffered {
    Packet packet;
    bool compress = true;
    std::size_t size = 0;
    std::uint64_t seq = 0;
  };
  struct Queued {  // the `retries` queue (socket.io-client 4.6+ `_queue`)
    std::uint64_t seq = 0;
    std::string event;
    Args args;
    AckCallback callback;
    EmitOptions options;
    std::uint32_t tries = 0;
    bool pending = false;
    std::size_t size = 0;
  };

  std::uint64_t next_ack_id = 1;  // not 0: python-socketio's msgpack serializer drops an id of 0
  std::map<std::uint64_t, PendingAck> acks;
  detail::LazyDeque<Buffered> send_buffer;
  std::size_t send_buffer_bytes = 0;
  std::uint64_t next_buffered_seq = 1;
  std::string_view delivering_text;  // packet_text() while an event or ack is delivered
  std::vector<Packet> receive_buffer;
  std::size_t receive_buffer_bytes = 0;
  bool receive_overflow_reported = false;
  detail::LazyDeque<Queued> queue;
  std::size_t queue_bytes = 0;
  std::uint64_t next_seq = 0;
  std::map<std::string, std::unique_ptr<Event<const Args&, const Reply&>>> listeners;
  std::size_t prune_listeners_at = 64;  // names; see listeners_for()
  Event<const std::string&, const Args&> any;
  Event<const std::string&, const Args&> any_outgoing;
  Event<const std::string&, const Args&, const Reply&> incoming;
  std::string pid;
  std::optional<std::string> last_offset;
  std::unique_ptr<Timer> connect_timer;
  bool connect_in_flight = false;  // a CONNECT sent on this connection awaits its answer
  std::uint64_t auth_asked = 0;     // counts the auth_provider's calls: only the latest may answer
};

Socket::Socket(Manager& manager, std::string nsp, SocketOptions options)
    : manager_(manager), nsp_(std::move(nsp)), options_(std::move(options)), state_(std::make_unique<State>()) {}

Socket::~Socket() { *alive_ = false; }

void Socket::connect() {
  if (connected_) return;
  active_ = true;
  if (manager_.state() == ManagerState::closed) manager_.open();
  if (manager_.state() == ManagerState::open && !state_->connect_timer) {
    // A CONNECT still awaiting its answer (disconnect() then connect()) is not sent again:
    // its answer will do, where two answers could disagree (accepted, then refused).
    if (state_->connect_in_flight) return start_connect_timer();
    // Not inside the user's call: CONNECT goes out now, the answer comes later anyway.
    send_connect();
  }
}

void Socket::on_manager_open() {
  if (active_ && !connected_ && !state_->connect_timer) send_connect();  // once per connection
}

void Socket::send_connect() {
  if (!options_.auth_provider) return send_connect_packet(options_.auth);
  state_->connect_in_flight = true;
  start_connect_timer();
  const std::uint64_t asked = ++state_->auth_asked;
  options_.auth_provider([this, alive = alive_, asked](nlohmann::json auth) {
    // Once, for the attempt that asked and while it still waits (not after a close or a timeout).
    if (!*alive || asked != state_->auth_asked || !state_->connect_in_flight || connected_ ||
        manager_.state() != ManagerState::open)
      return;
    ++state_->auth_asked;
    send_connect_packet(std::move(auth));
  });
}

void Socket::send_connect_packet(nlohmann::json auth) {
  if (!auth.is_object()) auth = nullptr;
  if (!state_->pid.empty()) {  // connection state recovery: ask for what we missed
    if (auth.is_null()) auth = nlohmann::json::object();
    auth["pid"] = state_->pid;
    if (state_->last_offset) auth["offset"] = *state_->last_offset;
  }
  Packet packet{.type = PacketType::connect, .nsp = nsp_, .data = std::move(auth)};
  manager_.send_packet(packet, true);
  state_->connect_in_flight = true;
  start_connect_timer();
}

// The namespace CONNECT is bounded by the Manager's `timeout` too: a server that
// never answers it ends in connect_error, not in a socket waiting forever.
void Socket::start_connect_timer() {
  state_->connect_timer = std::make_unique<Timer>(manager_.loop());
  state_->connect_timer->start(manager_.options().timeout, [this] {
    if (connected_) return;
    active_ = false;
    state_->connect_timer.reset();  // that CONNECT is given up: connect() sends a new one
    state_->connect_in_flight = false;
    auto alive = alive_;
    on_connect_error.emit(ConnectError{.message = "timeout", .data = nullptr, .code = errc::connect_timeout});
    if (*alive && !active_) manager_.socket_closed(*this);
  });
}

void Socket::disconnect() {
  const bool was_connected = connected_;
  if (was_connected) manager_.send_packet(Packet{.type = PacketType::disconnect, .nsp = nsp_}, true);
  active_ = false;
  state_->connect_timer.reset();
  Callback<void()> fail_acks;
  if (was_connected) {
    connected_ = false;
    id_.clear();
    fail_acks = take_pending_acks();  // those pending now
  }
  // The last namespace closes the shared connection first: as in socket.io-client, the
  // Manager's "close" ("forced close") comes before this socket's "disconnect".
  manager_.socket_closed(*this);
  if (was_connected) {
    manager_.loop().post([this, alive = alive_, fail = std::move(fail_acks)] {  // a user call: a later turn
      if (!*alive) return;
      on_disconnect.emit("io client disconnect");
      if (*alive) fail();
    });
  }
}

void Socket::on_manager_closed_by_user() {
  state_->connect_timer.reset();
  state_->connect_in_flight = false;
  state_->receive_buffer.clear();  // events of a session that is gone (see on_manager_close)
  state_->receive_buffer_bytes = 0;
  if (!connected_) return;
  connected_ = false;
  id_.clear();
  manager_.loop().post([this, alive = alive_, fail = take_pending_acks()] {
    if (!*alive) return;
    on_disconnect.emit("forced close");
    if (*alive) fail();
  });
}

void Socket::on_packet(Packet& packet) {
  switch (packet.type) {
    case PacketType::connect: return handle_connect(packet.data);
    case PacketType::event:
    case PacketType::binary_event: return handle_event(packet);
    case PacketType::ack:
    case PacketType::binary_ack: return handle_ack(packet);
    case PacketType::disconnect: {
      active_ = false;
      auto alive = alive_;
      set_disconnected("io server disconnect");  // no reconnection: the server said so
      if (*alive) manager_.socket_closed(*this);
      return;
    }
    case PacketType::connect_error: {
      state_->connect_in_flight = false;
      // The late answer to a CONNECT given up (timeout), or one the user took back with disconnect().
      if (connected_ || !active_) return;
      active_ = false;
      ConnectError error{.code = errc::sio_connect_refused};
      if (packet.data.is_object()) {
        if (packet.data.contains("message") && packet.data["message"].is_string())
          error.message = packet.data["message"].get<std::string>();
        if (packet.data.contains("data")) error.data = packet.data["data"];
      } else if (packet.data.is_string()) {
        error.message = packet.data.get<std::string>();
      }
      state_->connect_timer.reset();
      auto alive = alive_;
      on_connect_error.emit(error);
      if (*alive && !active_) manager_.socket_closed(*this);  // the socket.io-client `destroy()`
      return;
    }
  }
}

void Socket::handle_connect(const nlohmann::json& data) {
  state_->connect_in_flight = false;
  if (!active_) return;  // an answer to a CONNECT the user has since taken back with disconnect()
  if (!data.is_object() || !data.contains("sid") || !data["sid"].is_string()) {
    on_connect_error.emit(ConnectError{
        .message = "It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible",
        .data = nullptr,
        .code = errc::sio_bad_payload});
    return;
  }
  state_->connect_timer.reset();
  id_ = data["sid"].get<std::string>();
  const std::string pid = data.contains("pid") && data["pid"].is_string() ? data["pid"].get<std::string>() : "";
  recovered_ = !pid.empty() && pid == state_->pid;
  state_->pid = pid;
  // A second answer (the late one to a CONNECT given up after its timeout): the server's
  // latest socket, the same connection for us; `connect` was reported once.
  if (connected_) return;
  connected_ = true;
  active_ = true;
  auto alive = alive_;
  // socket.io-client order: buffered incoming events, buffered outgoing packets, then `connect`.
  auto received = std::move(state_->receive_buffer);
  state_->receive_buffer.clear();
  state_->receive_buffer_bytes = 0;
  state_->receive_overflow_reported = false;
  for (Packet& p : received) {
    handle_event(p);
    if (!*alive || !connected_) return;
  }
  flush_buffer();
  if (!*alive || !connected_) return;
  on_connect.emit();
  if (!*alive || !connected_) return;
  for (auto& q : state_->queue) q.pending = false;  // resend what was in flight (at-least-once)
  drain_retry_queue();
}

void Socket::handle_event(Packet& packet) {
  if (!packet.data.is_array() || packet.data.empty()) return;
  // After disconnect() the namespace's events are not ours: not kept for a later connect() (another session).
  if (!active_) return;
  if (!connected_) {
    // Kept for the CONNECT, within the buffer bounds: a server that sends events
    // first cannot grow the buffer without end. The excess is dropped, and said once.
    const std::size_t size = approximate_size(packet.data);
    if (!fits(state_->receive_buffer.size(), state_->receive_buffer_bytes, size)) {
      if (std::exchange(state_->receive_overflow_reported, true)) return;
      return manager_.on_error.emit(errc::queue_full, "events received before the namespace CONNECT exceed " +
                                                          describe_bounds() + ": dropped");
    }
    state_->receive_buffer_bytes += size;
    state_->receive_buffer.push_back(std::move(packet));
    return;
  }
  Args args = std::move(packet.data);  // the packet is consumed here
  const nlohmann::json& name = args[0];
  std::string event;
  if (name.is_string()) event = name.get<std::string>();
  else write_json(name, event);  // a number: its JSON text, as socket.io-client's String(name)
  args.erase(args.begin());
  Reply reply;
  if (packet.id) {
    const std::uint64_t id = *packet.id;
    reply = Reply([this, alive = alive_, id](Args answer) {
      if (!*alive) return;
      manager_.send_packet(Packet{.type = PacketType::ack, .nsp = nsp_, .id = id, .data = as_args(std::move(answer))},
                           true);
    });
  }
  // Connection state recovery: the server appends its offset as the last argument of
  // every event it stores, but not of volatile ones, which look the same: as
  // socket.io-client does, keep a last string argument for the next CONNECT and leave
  // it to the listeners (taking it away would drop a volatile emit's own argument).
  if (!state_->pid.empty() && !packet.id && !args.empty() && args.back().is_string())
    state_->last_offset = args.back().get<std::string>();
  auto alive = alive_;
  const std::string_view outer = std::exchange(state_->delivering_text, packet.text);
  dispatch(event, args, reply);
  if (*alive) state_->delivering_text = outer;
}

std::string_view Socket::packet_text() const { return state_->delivering_text; }

void Socket::dispatch(const std::string& event, const Args& args, const Reply& reply) {
  auto alive = alive_;
  state_->any.emit(event, args);
  if (!*alive) return;
  state_->incoming.emit(event, args, reply);
  if (!*alive) return;
  auto it = state_->listeners.find(event);
  if (it != state_->listeners.end()) it->second->emit(args, reply);
}

void Socket::handle_ack(Packet& packet) {
  if (!packet.id) return;
  auto it = state_->acks.find(*packet.id);
  if (it == state_->acks.end()) return;  // unknown or already timed out: ignored
  AckCallback callback = std::move(it->second.callback);
  state_->acks.erase(it);
  const Args answer = packet.data.is_array() ? std::move(packet.data) : as_args(std::move(packet.data));
  auto alive = alive_;
  const std::string_view outer = std::exchange(state_->delivering_text, packet.text);
  callback({}, answer);
  if (*alive) state_->delivering_text = outer;
}

std::error_code Socket::emit(std::string_view event, Args args, EmitOptions options) {
  if (options_.retries > 0 && !options.is_volatile) return send_event(event, as_args(std::move(args)), AckCallback(), options, true);
  return send_event(event, as_args(std::move(args)), AckCallback(), options, false);
}

std::error_code Socket::emit(std::string_view event, Args args, AckCallback ack, EmitOptions options) {
  return send_event(event, as_args(std::move(args)), std::move(ack), options, options.timeout.has_value());
}

std::error_code Socket::emit_with_ack(std::string_view event, Args args, AckCallback ack, EmitOptions options) {
  if (!options.timeout && options_.ack_timeout.count() > 0) options.timeout = options_.ack_timeout;
  return send_event(event, as_args(std::move(args)), std::move(ack), options, true);
}

std::error_code Socket::send_event(std::string_view event, Args args, AckCallback ack, EmitOptions options,
                                   bool with_error) {
  if (is_reserved(event)) return errc::invalid_argument;
  if (options_.retries > 0 && !options.is_volatile) {
    // The at-least-once serial queue: every emit waits for its ack before the next goes out.
    const std::size_t size = approximate_size(args) + event.size();
    if (!fits(state_->queue.size(), state_->queue_bytes, size)) return errc::queue_full;  // a server that never acks
    State::Queued q{.seq = state_->next_seq++, .event = std::string(event), .args = std::move(args),
                    .callback = std::move(ack), .options = options, .size = size};
    state_->queue_bytes += size;
    state_->queue.push_back(std::move(q));
    drain_retry_queue();
    return {};
  }
  Packet packet = event_packet(nsp_, event, std::move(args));
  (void)with_error;
  packet.id = track_ack(std::move(ack), options);
  const Route route = route_for(options);
  if (route == Route::drop) return {};
  if (route == Route::send) {
    auto alive = alive_;
    if (!state_->any_outgoing.empty()) {  // a copy of the arguments only for someone to see
      state_->any_outgoing.emit(std::string(event), packet.data.size() > 1 ? Args(packet.data.begin() + 1, packet.data.end()) : Args::array());
      if (!*alive) return {};
    }
    return manager_.send_packet(packet, options.compress);
  }
  return buffer_packet(std::move(packet), options.compress);
}

Socket::Route Socket::route_for(const EmitOptions& options) {
  // A volatile emit that cannot go out now is dropped; an ack it asked for still
  // ends: by its timeout, or failed on disconnect.
  if (options.is_volatile && !(manager_.writable() && connected_)) return Route::drop;
  // socket.io-client's `connected && !engine._hasPingExpired()`: after a sleep the
  // emit waits in the send buffer while the dead connection closes, and goes out
  // on the next one.
  return connected_ && !manager_.heartbeat_expired() ? Route::send : Route::buffer;
}

std::error_code Socket::buffer_packet(Packet packet, bool compress) {
  const std::size_t size = approximate_size(packet.data);
  if (!fits(state_->send_buffer.size(), state_->send_buffer_bytes, size)) {
    if (packet.id) state_->acks.erase(*packet.id);
    return errc::queue_full;
  }
  state_->send_buffer_bytes += size;
  state_->send_buffer.push_back(State::Buffered{std::move(packet), compress, size, state_->next_buffered_seq++});
  return {};
}

std::optional<std::uint64_t> Socket::track_ack(AckCallback ack, const EmitOptions& options) {
  if (!ack) return std::nullopt;
  const std::uint64_t id = state_->next_ack_id++;
  State::PendingAck pending{.callback = std::move(ack)};
  const std::optional<Duration> timeout =
      options.timeout ? options.timeout : (options_.ack_timeout.count() > 0 ? std::optional(options_.ack_timeout) : std::nullopt);
  if (timeout) {
    pending.timer = std::make_unique<Timer>(manager_.loop());
    pending.timer->start(*timeout, [this, id] {
      auto it = state_->acks.find(id);
      if (it == state_->acks.end()) return;
      AckCallback callback = std::move(it->second.callback);
      state_->acks.erase(it);
      // Drop it from the send buffer too: it will never be answered in time.
      for (auto b = state_->send_buffer.begin(); b != state_->send_buffer.end(); ++b) {
        if (b->packet.id == id) {
          state_->send_buffer_bytes -= b->size;
          state_->send_buffer.erase(b);
          break;
        }
      }
      callback(errc::ack_timeout, Args::array());
    });
  }
  state_->acks.emplace(id, std::move(pending));
  return id;
}

std::error_code Socket::emit_json(std::string_view event, std::string_view args_json, AckCallback ack,
                                  EmitOptions options) {
  if (is_reserved(event)) return errc::invalid_argument;
  const std::size_t start = args_json.find_first_not_of(" \t\n\r");
  if (start == std::string_view::npos || args_json[start] != '[') return errc::invalid_argument;
  Args args;
  // Where something needs the values, they are read at once and emitted as values.
  const bool queued = options_.retries > 0 && !options.is_volatile;
  if (queued || manager_.options().parser != ParserKind::json || !state_->any_outgoing.empty()) {
    if (parse_json(args_json, args, kMaxArgsDepth) != JsonParseError::none) return errc::invalid_argument;
    const bool with_error = static_cast<bool>(ack);
    return send_event(event, std::move(args), std::move(ack), options, with_error);
  }
  // Otherwise send_event()'s steps, with the text.
  if (check_json(args_json, kMaxArgsDepth) != JsonParseError::none) return errc::invalid_argument;
  const std::optional<std::uint64_t> id = track_ack(std::move(ack), options);
  const Route route = route_for(options);
  if (route == Route::drop) return {};
  if (route == Route::send) return manager_.send_text(encode_event(nsp_, id, event, args_json), options.compress);
  (void)parse_json(args_json, args, kMaxArgsDepth);  // checked above
  Packet packet = event_packet(nsp_, event, std::move(args));
  packet.id = id;
  return buffer_packet(std::move(packet), options.compress);
}

void Socket::flush_buffer() {
  auto alive = alive_;
  while (!state_->send_buffer.empty() && connected_) {
    State::Buffered b = std::move(state_->send_buffer.front());
    state_->send_buffer.pop_front();
    state_->send_buffer_bytes -= b.size;
    if (!state_->any_outgoing.empty()) {
      const std::string event = b.packet.data.is_array() && !b.packet.data.empty() && b.packet.data[0].is_string()
                                    ? b.packet.data[0].get<std::string>() : "";
      state_->any_outgoing.emit(event, b.packet.data.size() > 1 ? Args(b.packet.data.begin() + 1, b.packet.data.end()) : Args::array());
      if (!*alive) return;
    }
    manager_.send_packet(b.packet, b.compress);
  }
}

// One more item of `size` bytes in a buffer holding `count` items of `bytes` stays within the bounds.
bool Socket::fits(std::size_t count, std::size_t bytes, std::size_t size) const {
  return count < options_.max_buffered_packets && size <= options_.max_buffered_bytes &&
         bytes <= options_.max_buffered_bytes - size;
}

std::string Socket::describe_bounds() const {
  return "max_buffered_packets (" + std::to_string(options_.max_buffered_packets) + ") or max_buffered_bytes (" +
         std::to_string(options_.max_buffered_bytes) + " bytes)";
}

void Socket::drain_retry_queue() {
  if (state_->queue.empty() || !connected_) return;
  State::Queued& head = state_->queue.front();
  if (head.pending) return;
  head.pending = true;
  head.tries++;
  const std::uint64_t seq = head.seq;
  EmitOptions options = head.options;
  if (!options.timeout && options_.ack_timeout.count() > 0) options.timeout = options_.ack_timeout;
  AckCallback on_ack = [this, alive = alive_, seq](std::error_code ec, const Args& args) {
    if (!*alive || state_->queue.empty() || state_->queue.front().seq != seq) return;
    State::Queued& q = state_->queue.front();
    if (ec && q.tries <= options_.retries) {  // resend: at-least-once
      q.pending = false;
      return drain_retry_queue();
    }
    AckCallback callback = std::move(q.callback);
    state_->queue_bytes -= q.size;
    state_->queue.pop_front();
    if (callback) callback(ec, args);
    if (!*alive) return;
    drain_retry_queue();
  };
  const std::uint32_t saved = options_.retries;
  options_.retries = 0;  // send this one directly, bypassing the queue
  auto alive = alive_;
  send_event(head.event, head.args, std::move(on_ack), options, true);
  if (*alive) options_.retries = saved;  // an on_any_outgoing listener may have destroyed the Manager
}

Callback<void()> Socket::take_pending_acks() {
  // Acks of packets still in the send buffer stay: those go out after the next
  // CONNECT (socket.io-client's _clearAcks keeps them too).
  std::set<std::uint64_t> buffered;
  for (const State::Buffered& b : state_->send_buffer)
    if (b.packet.id) buffered.insert(*b.packet.id);
  auto acks = std::make_shared<std::map<std::uint64_t, State::PendingAck>>();
  for (auto it = state_->acks.begin(); it != state_->acks.end();) {
    if (buffered.count(it->first)) {
      ++it;
    } else {
      acks->insert(state_->acks.extract(it++));
    }
  }
  return [alive = alive_, acks] {
    for (auto& [id, pending] : *acks) {
      if (!pending.callback) continue;
      // Acks of the retries queue turn this into a resend after reconnection.
      auto callback = std::move(pending.callback);
      callback(errc::not_connected, Args::array());
      if (!*alive) return;
    }
  };
}

void Socket::fail_pending_acks() { take_pending_acks()(); }

void Socket::set_disconnected(const std::string& reason) {
  if (!connected_) return;
  connected_ = false;
  id_.clear();
  auto alive = alive_;
  on_disconnect.emit(reason);
  if (!*alive) return;
  // Every pending ack fails now; the retries queue's callback turns that into a resend on reconnection.
  fail_pending_acks();
}

void Socket::on_manager_close(const std::string& reason) {
  state_->connect_timer.reset();  // that CONNECT went down with its connection
  const bool was_connecting = std::exchange(state_->connect_in_flight, false) && !connected_;
  // So did the events that came before its answer (a recovering server sends what was
  // missed first): the next CONNECT carries the same offset, and they come again.
  state_->receive_buffer.clear();
  state_->receive_buffer_bytes = 0;
  if (was_connecting && active_) {
    // The connection closed before the namespace answered (a server-side middleware that
    // closes it, a parser mismatch): this attempt failed. socket.io-client says "disconnect"
    // to a socket that never connected; a connect_error says what happened, and without
    // reconnection it is the last word, where there would be none.
    const CloseCause& cause = manager_.close_cause();
    on_connect_error.emit(ConnectError{.message = reason, .data = nullptr,
                                       .code = cause.code ? cause.code : make_error_code(errc::connection_closed),
                                       .detail = cause.detail});
    return;
  }
  set_disconnected(reason);
}

std::size_t Socket::pending() const {
  // Each emit once: a buffered packet with an ack id, and the retries queue's head
  // in flight, are already among the acks awaited.
  std::size_t n = state_->acks.size();
  for (const State::Buffered& b : state_->send_buffer)
    if (!b.packet.id) ++n;
  for (const State::Queued& q : state_->queue)
    if (!q.pending) ++n;
  return n;
}

std::vector<Socket::BufferedEmit> Socket::send_buffer() const {
  std::vector<BufferedEmit> list;
  list.reserve(state_->send_buffer.size());
  for (const State::Buffered& b : state_->send_buffer) list.push_back(BufferedEmit{b.seq, b.packet.data});
  return list;
}

std::size_t Socket::discard_buffered(const BufferFilter& discard) {
  std::vector<AckCallback> failed;
  std::size_t dropped = 0;
  for (auto b = state_->send_buffer.begin(); b != state_->send_buffer.end();) {
    if (discard && !discard(b->seq, b->packet.data)) {
      ++b;
      continue;
    }
    if (b->packet.id) {
      auto ack = state_->acks.find(*b->packet.id);
      if (ack != state_->acks.end()) {
        if (ack->second.callback) failed.push_back(std::move(ack->second.callback));
        state_->acks.erase(ack);  // and its timer with it
      }
    }
    state_->send_buffer_bytes -= b->size;
    b = state_->send_buffer.erase(b);
    ++dropped;
  }
  if (!failed.empty()) {
    // A user call: its acks hear of it on a later turn.
    manager_.loop().post([alive = alive_, failed = std::move(failed)]() mutable {
      for (AckCallback& callback : failed) {
        if (!*alive) return;
        callback(errc::emit_discarded, Args::array());
      }
    });
  }
  return dropped;
}

std::optional<Subscription> Socket::on_reserved(const std::string& event, Listener& listener, bool once) {
  const auto subscribe = [once](auto& reserved, auto fn) { return once ? reserved.once(std::move(fn)) : reserved.on(std::move(fn)); };
  if (event == "connect")
    return subscribe(on_connect, [l = std::move(listener)] { l(Args::array(), Reply()); });
  if (event == "disconnect")
    return subscribe(on_disconnect, [l = std::move(listener)](const std::string& reason) { l(Args::array({reason}), Reply()); });
  if (event == "connect_error")
    return subscribe(on_connect_error, [l = std::move(listener)](const ConnectError& e) {
      l(Args::array({Args{{"message", e.message}, {"data", e.data}}}), Reply());
    });
  return std::nullopt;
}

// The Event of `event`'s listeners, made on first use. Names whose listeners are all
// gone are dropped now and then (amortised: when the map has doubled), so a game that
// listens to "entity:<id>:update" for ever new ids does not grow without bound.
// Dropping an Event that is emitting is safe (Event's contract).
Event<const Args&, const Reply&>& Socket::listeners_for(const std::string& event) {
  auto& map = state_->listeners;
  auto it = map.find(event);
  if (it != map.end()) return *it->second;
  if (map.size() >= state_->prune_listeners_at) {
    std::erase_if(map, [](const auto& entry) { return entry.second->empty(); });
    state_->prune_listeners_at = std::max<std::size_t>(64, map.size() * 2);
  }
  return *map.emplace(event, std::make_unique<Event<const Args&, const Reply&>>()).first->second;
}

std::size_t Socket::listener_table_count() const { return state_->listeners.size(); }

Subscription Socket::on(const std::string& event, Listener listener) {
  if (auto reserved = on_reserved(event, listener, false)) return std::move(*reserved);
  return listeners_for(event).on(std::move(listener));
}

Subscription Socket::once(const std::string& event, Listener listener) {
  if (auto reserved = on_reserved(event, listener, true)) return std::move(*reserved);
  return listeners_for(event).once(std::move(listener));
}

Subscription Socket::on_any(AnyListener listener) { return state_->any.on(std::move(listener)); }
Subscription Socket::prepend_any(AnyListener listener) { return state_->any.prepend(std::move(listener)); }
Subscription Socket::on_any_outgoing(AnyListener listener) { return state_->any_outgoing.on(std::move(listener)); }
Subscription Socket::on_event(EventListener listener) { return state_->incoming.on(std::move(listener)); }
void Socket::off_any() { state_->any.clear(); }

}  // namespace twinsock::sio
