// The classes the embind module exports (names in module.cpp). Each wraps one
// C++ client and reports its events through a single JavaScript function,
// `onEvent(type, ...values)`, which the facade (bindings/js/) turns into
// socket.io-client / DOM style events. The facade owns these objects: it calls
// delete() when the JavaScript object it gave the user is dropped or closed.
//
// onEvent must not throw (a throw would unwind through wasm): the facade's
// dispatcher catches what user listeners throw and reports it.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "js_value.hpp"
#include "twinsock/event.hpp"
#include "twinsock/sio/manager.hpp"
#include "twinsock/sse/client.hpp"
#include "twinsock/web/browser_loop.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::bindings {

using emscripten::val;

/// The one loop every client of the module runs on.
web::BrowserLoop& shared_loop();

class JsSocket {
 public:
  JsSocket(sio::Socket& socket, val on_event);
  void connect() { socket_.connect(); }
  void disconnect() { socket_.disconnect(); }
  /// Returns "" or the error's stable id. ack_id 0: no ack; timeout_ms < 0: none;
  /// buffers null: no binary values (args_json is sent as it is).
  std::string emit(const std::string& event, const std::string& args_json, const val& buffers, double ack_id,
                   double timeout_ms, bool is_volatile, bool compress, bool with_ack);
  /// Answers the server's event `reply_id` (from an "event" with a reply id).
  void reply(double reply_id, const std::string& args_json, const val& buffers);
  std::string id() const { return socket_.id(); }
  std::string nsp() const { return socket_.nsp(); }
  bool connected() const { return socket_.connected(); }
  bool active() const { return socket_.active(); }
  bool recovered() const { return socket_.recovered(); }
  double pending() const { return static_cast<double>(socket_.pending()); }

 private:
  sio::Socket& socket_;
  val on_event_;
  std::vector<Subscription> subs_;
  std::map<double, sio::Reply> replies_;
  double next_reply_ = 1;
};

class JsManager {
 public:
  JsManager(const std::string& url, const std::string& options_json, val on_event);
  /// The Socket of `nsp` (owned by this Manager; one per namespace).
  /// options_json may hold "authFunction": true, in which case onEvent("auth") is
  /// asked for the auth object (JSON text) before every CONNECT.
  JsSocket* socket(const std::string& nsp, const std::string& options_json, val on_event);
  void open() { manager_->open(); }
  void close() { manager_->close(); }
  int state() const { return static_cast<int>(manager_->state()); }
  std::string url_namespace() const { return manager_->url_namespace(); }
  std::string engine_id() const;
  std::string transport() const;

 private:
  val on_event_;
  std::unique_ptr<sio::Manager> manager_;
  std::vector<Subscription> subs_;
  std::map<std::string, std::unique_ptr<JsSocket>> sockets_;
};

class JsWebSocket {
 public:
  JsWebSocket(const std::string& url, const std::string& options_json, val on_event);
  std::string send(const std::string& text) { return error_result(client_->send(text)); }
  std::string send_binary(const val& bytes);
  void close(int code, const std::string& reason);
  void reconnect(int code, const std::string& reason);
  void connect() { client_->connect(); }
  int ready_state() const { return static_cast<int>(client_->ready_state()); }
  double buffered_amount() const { return static_cast<double>(client_->buffered_amount()); }
  std::string protocol() const { return client_->protocol(); }
  std::string url() const { return client_->url(); }
  double retry_count() const { return client_->retry_count(); }

 private:
  val on_event_;
  std::unique_ptr<ws::Client> client_;
  std::vector<Subscription> subs_;
};

class JsEventSource {
 public:
  JsEventSource(const std::string& url, const std::string& options_json, val on_event);
  void connect() { client_->connect(); }
  void close() { client_->close(); }
  int ready_state() const { return static_cast<int>(client_->ready_state()); }
  std::string last_event_id() const { return client_->last_event_id(); }
  std::string url() const { return client_->url(); }
  double reconnection_time() const { return static_cast<double>(client_->reconnection_time().count()); }

 private:
  val on_event_;
  // The last event ID as a JS string: it rarely changes, so most events cross without converting it.
  std::string last_event_id_;
  val last_event_id_js_ = val("");
  std::unique_ptr<sse::Client> client_;
  std::vector<Subscription> subs_;
};

}  // namespace twinsock::bindings
