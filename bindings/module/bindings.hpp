// The objects behind the module's exported functions (exports.cpp). Each wraps
// one C++ client and reports its events to the facade's dispatcher `fn` (a
// handle, see js_calls.hpp), which bindings/js/ turns into socket.io-client /
// DOM style events. The facade owns these objects and frees them when the
// JavaScript object it gave the user is dropped or disposed.
//
// A dispatcher must not throw (a throw would unwind through wasm): the
// facade's catches what user listeners throw and reports it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "js_calls.hpp"
#include "twinsock/event.hpp"
#include "twinsock/sio/manager.hpp"
#include "twinsock/sse/client.hpp"
#include "twinsock/web/browser_loop.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::bindings {

/// The one loop every client of the module runs on.
web::BrowserLoop& shared_loop();

/// What an emit asks for besides its arguments.
struct JsEmit {
  double ack_id = 0;       ///< 0: no ack
  double timeout_ms = -1;  ///< < 0: none
  bool is_volatile = false;
  bool compress = true;
  bool with_ack = false;  ///< emitWithAck: the ack is error-first and never retried
};

class JsSocket {
 public:
  JsSocket(sio::Socket& socket, Handle fn);
  void connect() { socket_.connect(); }
  void disconnect() { socket_.disconnect(); }
  /// Without buffers (`has_buffers` false) args_json goes into the packet as it is.
  std::error_code emit(std::string_view event, std::string_view args_json, bool has_buffers,
                       const std::vector<std::string_view>& buffers, const JsEmit& how);
  /// Answers the server's event `reply_id` (from an "event" with a reply id).
  void reply(double reply_id, std::string_view args_json, const std::vector<std::string_view>& buffers);
  /// socket.sendBuffer: reports the emits that wait to the dispatcher ("send_buffer").
  void report_send_buffer();
  /// socket.sendBuffer = list: drops the buffered emits whose numbers the `count`
  /// numbers at `keep` (in ascending order) do not hold.
  void keep_buffered(const double* keep, std::size_t count);
  /// The auth function's answer (JSON text) to the latest "auth" asked; later ones do nothing.
  void answer_auth(std::string_view json);
  /// Where the socket's auth_provider leaves the answer it waits for.
  using AuthSlot = std::shared_ptr<std::function<void(nlohmann::json)>>;
  void set_auth_slot(AuthSlot slot) { auth_slot_ = std::move(slot); }
  sio::Socket& socket() { return socket_; }

 private:
  sio::Socket& socket_;
  Handle fn_;
  AuthSlot auth_slot_;
  std::vector<Subscription> subs_;
  std::map<double, sio::Reply> replies_;
  double next_reply_ = 1;
};

class JsManager {
 public:
  JsManager(std::string_view url, std::string_view options_json, Handle fn);
  /// The Socket of `nsp` (owned by this Manager; one per namespace).
  /// options_json may hold "authFunction": true, in which case the socket's
  /// dispatcher is told ("auth") before every CONNECT, and answers with answer_auth().
  JsSocket* socket(std::string_view nsp, std::string_view options_json, Handle fn);
  sio::Manager& manager() { return *manager_; }

 private:
  Handle fn_;
  std::unique_ptr<sio::Manager> manager_;
  std::vector<Subscription> subs_;
  std::map<std::string, std::unique_ptr<JsSocket>, std::less<>> sockets_;
};

class JsWebSocket {
 public:
  JsWebSocket(std::string_view url, std::string_view options_json, Handle fn);
  ws::Client& client() { return *client_; }

 private:
  Handle fn_;
  std::unique_ptr<ws::Client> client_;
  std::vector<Subscription> subs_;
};

class JsEventSource {
 public:
  JsEventSource(std::string_view url, std::string_view options_json, Handle fn);
  sse::Client& client() { return *client_; }

 private:
  Handle fn_;
  // The last event ID sent to JavaScript: it rarely changes, so most messages cross without it.
  std::string last_event_id_;
  bool sent_last_event_id_ = false;
  std::unique_ptr<sse::Client> client_;
  std::vector<Subscription> subs_;
};

}  // namespace twinsock::bindings
