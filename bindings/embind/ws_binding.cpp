// The reconnecting WebSocket for JavaScript. Events:
//   open | message(string | Uint8Array) | close({code, reason, wasClean, error}) |
//   error(err) | reconnecting(attempt, delayMs)
#include "bindings.hpp"
#include "deliver.hpp"
#include "js_value.hpp"
#include "options.hpp"
#include "twinsock/error.hpp"

namespace twinsock::bindings {

JsWebSocket::JsWebSocket(const std::string& url, const std::string& options_json, val on_event)
    : on_event_(std::move(on_event)) {
  const nlohmann::json options = json_from_js(options_json);
  client_ = std::make_unique<ws::Client>(shared_loop(), url, ws_options(options));
  auto& c = *client_;
  subs_.push_back(c.on_open.on([this] { on_event_(std::string("open")); }));
  subs_.push_back(c.on_message.on(
      [this](const ws::Message& m) { deliver_ws_message(on_event_, m.is_binary(), m.data); }));
  subs_.push_back(c.on_close.on([this](const ws::CloseInfo& info) {
    val event = val::object();
    event.set("code", info.code);
    event.set("reason", info.reason);
    event.set("wasClean", info.was_clean);
    event.set("error", error_to_js(info.error, info.detail));
    on_event_(std::string("close"), event);
  }));
  subs_.push_back(c.on_error.on([this](std::error_code ec, const std::string& detail) {
    on_event_(std::string("error"), error_to_js(ec, detail));
  }));
  subs_.push_back(c.on_reconnecting.on([this](std::uint32_t attempt, Duration delay) {
    on_event_(std::string("reconnecting"), attempt, static_cast<double>(delay.count()));
  }));
}

std::string JsWebSocket::send_binary(const val& bytes) {
  const std::string data = bytes_from_js(bytes);
  return error_result(client_->send_binary(as_bytes(data)));
}

void JsWebSocket::close(int code, const std::string& reason) {
  client_->close(static_cast<std::uint16_t>(code > 0 && code < 65536 ? code : 1000), reason);
}

void JsWebSocket::reconnect(int code, const std::string& reason) {
  client_->reconnect(static_cast<std::uint16_t>(code > 0 && code < 65536 ? code : 1000), reason);
}

}  // namespace twinsock::bindings
