// Golden-vector runner for the SSE parser (WHATWG HTML §9.2.6).
// Vector: {"input": "..." | "input_hex": "..", "limits"?: {"max_line_length", "max_event_size"}}
// Result: {"events": [{"type","data","id"} | {"retry": ms}], "last_event_id": "...", "error"?: "<stable id>"}
// The parser's output is always valid UTF-8 (bad input becomes U+FFFD), so it is safe to render as JSON.
#include "codec/sse/parser.hpp"
#include "support/chunking.hpp"
#include "support/hex.hpp"
#include "support/vector_registry.hpp"
#include "twinsock/error.hpp"

using nlohmann::json;
using twinsock::bytes;
using twinsock::testing::Chunks;

namespace {

std::size_t limit(const json& v, const char* key, std::size_t fallback) {
  if (!v.is_object()) return fallback;
  const auto it = v.find(key);
  if (it == v.end() || !it->is_number_unsigned()) return fallback;
  return it->get<std::size_t>();
}

json render(const twinsock::sse::Event& event) {
  if (const auto* m = std::get_if<twinsock::sse::Message>(&event))
    return {{"type", m->type}, {"data", m->data}, {"id", m->id}};
  return {{"retry", std::get<twinsock::sse::Retry>(event).ms}};
}

}  // namespace

TWINSOCK_VECTOR_RUNNER(sse) {
  bytes input;
  if (v.contains("input_hex") && v["input_hex"].is_string()) {
    const auto hex = twinsock::testing::from_hex(v["input_hex"].get_ref<const std::string&>());
    if (!hex) return {{"error", "bad input_hex"}};
    input = *hex;
  } else if (v.contains("input") && v["input"].is_string()) {
    const std::string& text = v["input"].get_ref<const std::string&>();
    input.assign(text.begin(), text.end());
  } else {
    return {{"error", "no input"}};
  }
  twinsock::sse::ParserLimits limits;
  if (v.contains("limits")) {
    limits.max_line_length = limit(v["limits"], "max_line_length", limits.max_line_length);
    limits.max_event_size = limit(v["limits"], "max_event_size", limits.max_event_size);
  }
  return twinsock::testing::same_for_every_split(input, [&](const Chunks& chunks) {
    twinsock::sse::Parser parser(limits);
    std::vector<twinsock::sse::Event> events;
    std::error_code ec;
    for (auto chunk : chunks) {
      ec = parser.feed(chunk, events);
      if (ec) break;
    }
    parser.finish();  // end of stream: an unterminated event is dropped
    json result = {{"events", json::array()}, {"last_event_id", parser.last_event_id()}};
    for (const auto& e : events) result["events"].push_back(render(e));
    if (ec) result["error"] = std::string(twinsock::error_id(ec));
    return result;
  });
}
