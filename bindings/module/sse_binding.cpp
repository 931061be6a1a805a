// The EventSource client for JavaScript. Events:
//   open | message(type, data, lastEventId) | error(err, status) |
//   reconnecting(attempt, delayMs) | close(lastHttpStatus) | trace(line) (with trace: true)
#include "bindings.hpp"
#include "forward.hpp"
#include "js_value.hpp"
#include "options.hpp"

namespace twinsock::bindings {

JsEventSource::JsEventSource(std::string_view url, std::string_view options_json, Handle fn) : fn_(fn) {
  const nlohmann::json json = json_from_js(options_json);
  sse::ClientOptions options = sse_options(json);
  if (option_flag(json, "trace")) options.trace = TextSignal{fn, "trace"};
  client_ = std::make_unique<sse::Client>(shared_loop(), std::string(url), std::move(options));
  auto& c = *client_;
  subs_.push_back(c.on_open.on(Signal{fn_, "open"}));
  subs_.push_back(c.on_message.on([this](const sse::MessageEvent& e) {
    const bool id_changed = !sent_last_event_id_ || e.last_event_id != last_event_id_;
    if (id_changed) {
      last_event_id_ = e.last_event_id;
      sent_last_event_id_ = true;
    }
    deliver_sse_message(fn_, e.type == "message" ? nullptr : &e.type, e.data, id_changed ? &last_event_id_ : nullptr);
  }));
  subs_.push_back(c.on_error.on([this](std::error_code ec, const std::string& detail, int status) {
    call_js_with_object(fn_, "error", error_to_js(ec, detail), status);
  }));
  subs_.push_back(c.on_reconnecting.on(RetrySignal{fn_, "reconnecting"}));
  // With the last status: a 204 is an error event for the DOM (the facade fires it).
  subs_.push_back(c.on_close.on([this] { call_js(fn_, "close", client_->http_status(), 0); }));
}

}  // namespace twinsock::bindings
