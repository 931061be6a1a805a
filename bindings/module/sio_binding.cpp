// Socket.IO for JavaScript: Manager and Socket events as dispatcher calls.
//   Manager: open | close(reason) | error(err) | ping | reconnect_attempt(n) |
//            reconnect(n) | reconnect_error(err) | reconnect_failed | upgrade(transport)
//            options() -> JSON text of the current options, before every attempt |
//            trace(line) (with the option trace: true)
//   Socket:  connect | connect_error(err with .data) | disconnect(reason) |
//            event(name, json, buffers, replyId) | ack(ackId, err|null, json, buffers) |
//            send_buffer(seqs, json, buffers) (asked for by twinsock_socket_send_buffer) |
//            auth (only with authFunction): answered with twinsock_socket_auth(json)
#include "bindings.hpp"
#include "forward.hpp"
#include "js_value.hpp"
#include "options.hpp"
#include "twinsock/error.hpp"

namespace twinsock::bindings {

JsSocket::JsSocket(sio::Socket& socket, Handle fn) : socket_(socket), fn_(fn) {
  subs_.push_back(socket_.on_connect.on(Signal{fn_, "connect"}));
  subs_.push_back(socket_.on_connect_error.on([this](const sio::ConnectError& e) {
    const std::string error = error_to_js(e.code ? e.code : make_error_code(errc::sio_connect_refused),
                                          e.detail.empty() ? e.message : e.detail, &e.message);
    const JsArgs data = args_for_js(e.data);
    deliver_connect_error(fn_, error, data.json, data.buffers);
  }));
  subs_.push_back(socket_.on_disconnect.on([this](const std::string& reason) {
    replies_.clear();  // acks of the old session cannot be answered any more
    call_js(fn_, "disconnect", reason);
  }));
  subs_.push_back(socket_.on_event([this](const std::string& event, const sio::Args& args, const sio::Reply& reply) {
    double reply_id = 0;
    if (reply.requested()) {
      reply_id = next_reply_++;
      replies_.emplace(reply_id, reply);
    }
    if (const std::string_view text = socket_.packet_text(); !text.empty())
      return deliver_event(fn_, event, text, {}, reply_id);
    const JsArgs js = args_for_js(args);
    deliver_event(fn_, event, js.json, js.buffers, reply_id);
  }));
}

std::error_code JsSocket::emit(std::string_view event, std::string_view args_json, bool has_buffers,
                               const std::vector<std::string_view>& buffers, const JsEmit& how) {
  sio::EmitOptions options{.is_volatile = how.is_volatile, .compress = how.compress};
  if (how.timeout_ms >= 0) options.timeout = duration_from_ms(how.timeout_ms);
  sio::AckCallback ack;
  if (how.ack_id != 0) {
    // The callback may outlive this object (a late timeout): the handle then names no dispatcher.
    // An answer from the server comes while its Socket delivers it: its text is there.
    ack = [fn = fn_, ack_id = how.ack_id, socket = &socket_](std::error_code error, const sio::Args& answer) {
      if (const std::string_view text = error ? std::string_view() : socket->packet_text(); !text.empty())
        return deliver_ack(fn, ack_id, "", text, {});
      const JsArgs js = args_for_js(answer);
      deliver_ack(fn, ack_id, error_to_js(error), js.json, js.buffers);
    };
  }
  const std::string name(event);
  // Without binary values JSON.stringify's text goes into the packet as it is.
  if (!has_buffers) return socket_.emit_json(name, args_json, std::move(ack), options);
  sio::Args args = args_from_js(args_json, buffers);
  if (args.is_discarded()) return make_error_code(errc::invalid_argument);
  if (!ack) return socket_.emit(name, std::move(args), options);
  if (how.with_ack) return socket_.emit_with_ack(name, std::move(args), std::move(ack), options);
  return socket_.emit(name, std::move(args), std::move(ack), options);
}

void JsSocket::reply(double reply_id, std::string_view args_json, const std::vector<std::string_view>& buffers) {
  auto it = replies_.find(reply_id);
  if (it == replies_.end()) return;
  sio::Reply reply = std::move(it->second);
  replies_.erase(it);
  sio::Args args = args_from_js(args_json, buffers);
  if (args.is_discarded()) args = sio::Args::array();
  reply(std::move(args));
}

void JsSocket::answer_auth(std::string_view json) {
  if (!auth_slot_ || !*auth_slot_) return;
  const auto done = std::exchange(*auth_slot_, {});
  nlohmann::json auth = json_from_js(json);
  done(auth.is_object() ? std::move(auth) : nlohmann::json());
}

void JsSocket::report_send_buffer() {
  std::string seqs = "[";
  nlohmann::json list = nlohmann::json::array();
  for (sio::Socket::BufferedEmit& emit : socket_.send_buffer()) {
    if (seqs.size() > 1) seqs += ',';
    seqs += std::to_string(emit.seq);
    list.push_back(std::move(emit.data));
  }
  seqs += ']';
  const JsArgs js = args_for_js(list);
  deliver_send_buffer(fn_, seqs, js.json, js.buffers);
}

void JsSocket::keep_buffered(const double* keep, std::size_t count) {
  // Both in ascending order (the facade sorts the list; the buffer is oldest first): one walk.
  std::size_t next = 0;
  socket_.discard_buffered([keep, count, &next](std::uint64_t seq, const sio::Args&) {
    while (next < count && keep[next] < static_cast<double>(seq)) ++next;
    return next == count || keep[next] != static_cast<double>(seq);
  });
}

JsManager::JsManager(std::string_view url, std::string_view options_json, Handle fn) : fn_(fn) {
  const nlohmann::json options = json_from_js(options_json);
  sio::ManagerOptions m = manager_options(options);
  if (option_flag(options, "trace")) m.engine.trace = TextSignal{fn, "trace"};
  m.auto_connect = false;  // the facade connects each socket when the user's io() asks for it
  m.keep_packet_text = true;  // events and acks go to JavaScript as they came (key order, no re-encoding)
  // socket.io-client reads `socket.io.opts` anew at every attempt (a changed query, transports, ...).
  m.before_open = [fn](eio::SocketOptions& engine) { read_engine_options(json_from_js(ask_js(fn, "options")), engine); };
  manager_ = std::make_unique<sio::Manager>(shared_loop(), std::string(url), std::move(m));
  auto& mgr = *manager_;
  subs_.push_back(mgr.on_open.on(Signal{fn_, "open"}));
  subs_.push_back(mgr.on_close.on(TextSignal{fn_, "close"}));
  subs_.push_back(mgr.on_error.on(ErrorSignal{fn_, "error"}));
  subs_.push_back(mgr.on_ping.on(Signal{fn_, "ping"}));
  subs_.push_back(mgr.on_reconnect_attempt.on(CountSignal{fn_, "reconnect_attempt"}));
  subs_.push_back(mgr.on_reconnect.on(CountSignal{fn_, "reconnect"}));
  subs_.push_back(mgr.on_reconnect_error.on(ErrorSignal{fn_, "reconnect_error"}));
  subs_.push_back(mgr.on_reconnect_failed.on(Signal{fn_, "reconnect_failed"}));
  subs_.push_back(mgr.on_upgrade.on(TextSignal{fn_, "upgrade"}));
}

JsSocket* JsManager::socket(std::string_view nsp, std::string_view options_json, Handle fn) {
  auto it = sockets_.find(nsp);
  if (it != sockets_.end()) return it->second.get();
  const nlohmann::json options = json_from_js(options_json);
  sio::SocketOptions s = socket_options(options);
  JsSocket::AuthSlot auth_slot;
  if (option_flag(options, "authFunction")) {
    // socket.io-client's auth(cb): cb may come now or later; CONNECT waits for it.
    auth_slot = std::make_shared<std::function<void(nlohmann::json)>>();
    s.auth_provider = [fn, auth_slot](std::function<void(nlohmann::json)> done) {
      *auth_slot = std::move(done);
      call_js(fn, "auth");
    };
  }
  const std::string name(nsp);
  sio::Socket& socket = manager_->socket(name, std::move(s));
  JsSocket& js = *sockets_.emplace(name, std::make_unique<JsSocket>(socket, fn)).first->second;
  js.set_auth_slot(std::move(auth_slot));
  return &js;
}

}  // namespace twinsock::bindings
