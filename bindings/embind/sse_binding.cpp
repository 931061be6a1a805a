// The EventSource client for JavaScript. Events:
//   open | message(type, data, lastEventId) | error(err, status) |
//   reconnecting(attempt, delayMs) | close
#include "bindings.hpp"
#include "deliver.hpp"
#include "js_value.hpp"
#include "options.hpp"

namespace twinsock::bindings {

JsEventSource::JsEventSource(const std::string& url, const std::string& options_json, val on_event)
    : on_event_(std::move(on_event)) {
  const nlohmann::json options = json_from_js(options_json);
  client_ = std::make_unique<sse::Client>(shared_loop(), url, sse_options(options));
  auto& c = *client_;
  subs_.push_back(c.on_open.on([this] { on_event_(std::string("open")); }));
  subs_.push_back(c.on_message.on([this](const sse::MessageEvent& e) {
    static const val default_type("message");  // events without an `event:` field: nearly all
    if (e.last_event_id != last_event_id_) {
      last_event_id_ = e.last_event_id;
      last_event_id_js_ = val(last_event_id_);
    }
    deliver_sse_message(on_event_, e.type == "message" ? default_type : val(e.type), e.data, last_event_id_js_);
  }));
  subs_.push_back(c.on_error.on([this](std::error_code ec, const std::string& detail, int status) {
    on_event_(std::string("error"), error_to_js(ec, detail), status);
  }));
  subs_.push_back(c.on_reconnecting.on([this](std::uint32_t attempt, Duration delay) {
    on_event_(std::string("reconnecting"), attempt, static_cast<double>(delay.count()));
  }));
  subs_.push_back(c.on_close.on([this] { on_event_(std::string("close")); }));
}

}  // namespace twinsock::bindings
