// The reconnecting WebSocket for JavaScript. Events:
//   open | message(string | Uint8Array) | close({code, reason, wasClean, error}) |
//   error(err) | reconnecting(attempt, delayMs) | url() -> the next attempt's URL (with urlProvider) |
//   protocols() -> JSON array of the next attempt's subprotocols (with protocolsProvider) |
//   shouldReconnect() -> "1" to reconnect after the close just delivered (with shouldReconnectProvider) |
//   trace(line) (with trace: true)
#include "bindings.hpp"
#include "forward.hpp"
#include "codec/json/writer.hpp"
#include "js_value.hpp"
#include "options.hpp"

namespace twinsock::bindings {
namespace {

std::string close_event_json(const ws::CloseInfo& info) {
  std::string error = error_to_js(info.error, info.detail);
  std::string out = "{\"code\":" + std::to_string(info.code) + ",\"reason\":";
  write_json_string(info.reason, out);
  out += info.was_clean ? ",\"wasClean\":true,\"error\":" : ",\"wasClean\":false,\"error\":";
  out += error.empty() ? "null" : error;
  out += '}';
  return out;
}

}  // namespace

JsWebSocket::JsWebSocket(std::string_view url, std::string_view options_json, Handle fn) : fn_(fn) {
  const nlohmann::json json = json_from_js(options_json);
  ws::ClientOptions options = ws_options(json);
  if (option_flag(json, "trace")) options.trace = TextSignal{fn, "trace"};
  if (option_flag(json, "urlProvider")) {
    // partysocket's URL provider: asked before every attempt; no answer keeps the URL given.
    options.url_provider = [fn, given = std::string(url)] {
      std::string fresh = ask_js(fn, "url");
      return fresh.empty() ? given : fresh;
    };
  }
  if (option_flag(json, "protocolsProvider")) {
    // partysocket's protocols provider, likewise: a JSON array of strings, else the protocols given.
    options.subprotocols_provider = [fn, given = options.subprotocols] {
      const nlohmann::json answer = json_from_js(ask_js(fn, "protocols"));
      if (!answer.is_array()) return given;
      std::vector<std::string> fresh;
      for (const auto& p : answer)
        if (p.is_string()) fresh.push_back(p.get<std::string>());
      return fresh;
    };
  }
  if (option_flag(json, "shouldReconnectProvider")) {
    // The user's rule, asked right after the close event it judges (the facade keeps that event).
    options.should_reconnect = [fn](const ws::CloseInfo&, bool closed_by_user) {
      return !closed_by_user && ask_js(fn, "shouldReconnect") == "1";
    };
  }
  client_ = std::make_unique<ws::Client>(shared_loop(), std::string(url), std::move(options));
  auto& c = *client_;
  subs_.push_back(c.on_open.on(Signal{fn_, "open"}));
  subs_.push_back(c.on_message.on(
      [this](const ws::Message& m) { deliver_ws_message(fn_, m.is_binary(), m.data); }));
  subs_.push_back(c.on_close.on(
      [this](const ws::CloseInfo& info) { call_js_with_object(fn_, "close", close_event_json(info)); }));
  subs_.push_back(c.on_error.on(ErrorSignal{fn_, "error"}));
  subs_.push_back(c.on_reconnecting.on(RetrySignal{fn_, "reconnecting"}));
}

}  // namespace twinsock::bindings
