// Socket.IO for JavaScript: Manager and Socket events as onEvent calls.
//   Manager: open | close(reason) | error(err) | ping | reconnect_attempt(n) |
//            reconnect(n) | reconnect_error(err) | reconnect_failed
//   Socket:  connect | connect_error(err with .data) | disconnect(reason) |
//            event(name, json, buffers, replyId) | ack(ackId, err|null, json, buffers) |
//            auth() -> JSON text (only with authFunction)
#include "bindings.hpp"
#include "deliver.hpp"
#include "js_value.hpp"
#include "options.hpp"
#include "twinsock/error.hpp"

namespace twinsock::bindings {

JsSocket::JsSocket(sio::Socket& socket, val on_event) : socket_(socket), on_event_(std::move(on_event)) {
  subs_.push_back(socket_.on_connect.on([this] { on_event_(std::string("connect")); }));
  subs_.push_back(socket_.on_connect_error.on([this](const sio::ConnectError& e) {
    val err = error_to_js(e.code ? e.code : make_error_code(errc::sio_connect_refused), e.message);
    err.set("message", e.message);
    err.set("data", args_to_js(e.data));
    on_event_(std::string("connect_error"), err);
  }));
  subs_.push_back(socket_.on_disconnect.on([this](const std::string& reason) {
    replies_.clear();  // acks of the old session cannot be answered any more
    on_event_(std::string("disconnect"), reason);
  }));
  subs_.push_back(socket_.on_event([this](const std::string& event, const sio::Args& args, const sio::Reply& reply) {
    double reply_id = 0;
    if (reply.requested()) {
      reply_id = next_reply_++;
      replies_.emplace(reply_id, reply);
    }
    const JsArgs js = args_for_js(args);
    deliver_event(on_event_, event, js.json, js.buffers, reply_id);
  }));
}

std::string JsSocket::emit(const std::string& event, const std::string& args_json, const val& buffers, double ack_id,
                           double timeout_ms, bool is_volatile, bool compress, bool with_ack) {
  sio::EmitOptions options{.is_volatile = is_volatile, .compress = compress};
  if (timeout_ms >= 0) options.timeout = Duration(static_cast<Duration::rep>(timeout_ms));
  sio::AckCallback ack;
  if (ack_id != 0) {
    // The callback may outlive this object (a late timeout): go through the Manager's
    // socket only while onEvent is still reachable, which the shared val guarantees.
    ack = [on_event = on_event_, ack_id](std::error_code error, const sio::Args& answer) {
      const JsArgs js = args_for_js(answer);
      deliver_ack(on_event, ack_id, error_to_js(error), js.json, js.buffers);
    };
  }
  // Without binary values JSON.stringify's text goes into the packet as it is.
  if (buffers.isNull()) return error_result(socket_.emit_json(event, args_json, std::move(ack), options));
  sio::Args args = args_from_js(args_json, buffers);
  if (args.is_discarded()) return std::string(error_id(errc::invalid_argument));
  std::error_code ec;
  if (!ack) ec = socket_.emit(event, std::move(args), options);
  else if (with_ack) ec = socket_.emit_with_ack(event, std::move(args), std::move(ack), options);
  else ec = socket_.emit(event, std::move(args), std::move(ack), options);
  return error_result(ec);
}

void JsSocket::reply(double reply_id, const std::string& args_json, const val& buffers) {
  auto it = replies_.find(reply_id);
  if (it == replies_.end()) return;
  sio::Reply reply = std::move(it->second);
  replies_.erase(it);
  sio::Args args = args_from_js(args_json, buffers);
  if (args.is_discarded()) args = sio::Args::array();
  reply(std::move(args));
}

JsManager::JsManager(const std::string& url, const std::string& options_json, val on_event)
    : on_event_(std::move(on_event)) {
  const nlohmann::json options = json_from_js(options_json);
  sio::ManagerOptions m = manager_options(options);
  m.auto_connect = false;  // the facade connects each socket when the user's io() asks for it
  manager_ = std::make_unique<sio::Manager>(shared_loop(), url, std::move(m));
  auto& mgr = *manager_;
  subs_.push_back(mgr.on_open.on([this] { on_event_(std::string("open")); }));
  subs_.push_back(mgr.on_close.on([this](const std::string& reason) { on_event_(std::string("close"), reason); }));
  subs_.push_back(mgr.on_error.on([this](std::error_code ec, const std::string& detail) {
    on_event_(std::string("error"), error_to_js(ec, detail));
  }));
  subs_.push_back(mgr.on_ping.on([this] { on_event_(std::string("ping")); }));
  subs_.push_back(mgr.on_reconnect_attempt.on([this](std::uint32_t n) { on_event_(std::string("reconnect_attempt"), n); }));
  subs_.push_back(mgr.on_reconnect.on([this](std::uint32_t n) { on_event_(std::string("reconnect"), n); }));
  subs_.push_back(mgr.on_reconnect_error.on([this](std::error_code ec, const std::string& detail) {
    on_event_(std::string("reconnect_error"), error_to_js(ec, detail));
  }));
  subs_.push_back(mgr.on_reconnect_failed.on([this] { on_event_(std::string("reconnect_failed")); }));
}

JsSocket* JsManager::socket(const std::string& nsp, const std::string& options_json, val on_event) {
  auto it = sockets_.find(nsp);
  if (it != sockets_.end()) return it->second.get();
  const nlohmann::json options = json_from_js(options_json);
  sio::SocketOptions s = socket_options(options);
  if (options.is_object() && options.value("authFunction", false)) {
    s.auth_provider = [on_event] {
      val answer = on_event(std::string("auth"));
      if (!answer.isString()) return nlohmann::json();
      nlohmann::json auth = json_from_js(answer.as<std::string>());
      return auth.is_object() ? auth : nlohmann::json();
    };
  }
  sio::Socket& socket = manager_->socket(nsp, std::move(s));
  return sockets_.emplace(nsp, std::make_unique<JsSocket>(socket, std::move(on_event))).first->second.get();
}

std::string JsManager::engine_id() const {
  auto* engine = manager_->engine();
  return engine ? engine->id() : std::string();
}

std::string JsManager::transport() const {
  auto* engine = manager_->engine();
  return engine ? engine->transport_name() : std::string();
}

}  // namespace twinsock::bindings
